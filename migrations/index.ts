// Every migration, in order, imported statically: a Lambda bundle has no migrations folder to read.
// Append new ones here; kysely's Migrator runs them in key order and records each one
// (table schema_migrations, see shared/db/migrate.ts).
import type { Migration } from 'kysely';
import * as initial from './0001_initial';
import * as metrics from './0002_metrics';
import * as ingestion from './0003_ingestion';
import * as webhooks from './0004_webhooks';
import * as plans from './0005_plans';
import * as samples from './0006_samples';
import * as resilience from './0007_resilience';
import * as sync from './0008_sync';
import * as responders from './0009_responders';
import * as adaptation from './0010_adaptation';
import * as appRole from './0011_app_role';
import * as syncResultDetail from './0012_sync_result_detail';

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_metrics': metrics,
  '0003_ingestion': ingestion,
  '0004_webhooks': webhooks,
  '0005_plans': plans,
  '0006_samples': samples,
  '0007_resilience': resilience,
  '0008_sync': sync,
  '0009_responders': responders,
  '0010_adaptation': adaptation,
  '0011_app_role': appRole,
  '0012_sync_result_detail': syncResultDetail,
};
