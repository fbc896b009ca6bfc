// With TEST_DATABASE_URL: migrate one template database per run; each test file clones it (fast and isolated).
// Every run: a folder for the contract tallies of the e2e files, summed and printed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { contractSummary } from './contract-summary';

export default async function setup(project: TestProject): Promise<() => void> {
  const tallies = mkdtempSync(path.join(tmpdir(), 'rc-contract-'));
  project.provide('contractTallyDir', tallies);
  const teardown = () => {
    const summary = contractSummary(tallies);
    if (summary) console.log(`\n${summary}\n`);
    rmSync(tallies, { recursive: true, force: true });
  };

  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return teardown;
  const { createDb } = await import('../../shared/db/connection');
  const { migrateToLatest } = await import('../../shared/db/migrate');
  const { TEMPLATE_DB, adminQuery, withDatabase } = await import('./db');
  await adminQuery(serverUrl, `drop database if exists ${TEMPLATE_DB} with (force)`);
  await adminQuery(serverUrl, `create database ${TEMPLATE_DB}`);
  const db = createDb({ url: withDatabase(serverUrl, TEMPLATE_DB), poolMax: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return teardown;
}
