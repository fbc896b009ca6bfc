// A migrated database every test file copies (fast, and each file still has its own): embedded, a PGlite
// data dir dumped to a tarball (kept in node_modules/.cache until a migration changes) that each file
// loads into a new PGlite; with TEST_DATABASE_URL, a template database named for this run (two runs
// sharing a server do not touch each other's), which each file clones with `create database … template`
// and which is dropped at the end.
// Every run: a folder for the contract tallies of the e2e files, summed and printed when the run ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { contractSummary } from './contract-summary';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded runs: the migrated PGlite tarball. */
    pgliteTemplate: string;
    /** TEST_DATABASE_URL runs: the migrated template database. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tallies = mkdtempSync(path.join(tmpdir(), 'rc-contract-'));
  project.provide('contractTallyDir', tallies);
  const summarize = () => {
    const summary = contractSummary(tallies);
    if (summary) console.log(`\n${summary}\n`);
    rmSync(tallies, { recursive: true, force: true });
  };

  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const { templateFile, TEMPLATE_CACHE_DIR } = await import('#lib/local/pglite-template');
    project.provide('pgliteTemplate', await templateFile(TEMPLATE_CACHE_DIR));
    project.provide('pgTemplate', '');
    return async () => summarize();
  }
  const { createDb } = await import('#shared/db/connection');
  const { migrateToLatest } = await import('#shared/db/migrate');
  const { adminQuery, withDatabase } = await import('./db');
  const template = `rc_test_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${template}`);
  const db = createDb({ url: withDatabase(serverUrl, template), poolMax: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  project.provide('pgliteTemplate', '');
  project.provide('pgTemplate', template);
  return async () => {
    summarize();
    await adminQuery(serverUrl, `drop database if exists ${template} with (force)`);
  };
}
