// Runs once per deployment (CDK Trigger): the only place the production schema changes.
import { getDb } from '../../shared/db/connection';
import { migrateToLatest } from '../../shared/db/migrate';
import { logger, withLambdaContext } from '../../shared/logger';

export const handler = withLambdaContext(async (): Promise<{ applied: string[] }> => {
  const result = await migrateToLatest(getDb());
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  logger.info('migrations applied', { applied });
  return { applied };
});
