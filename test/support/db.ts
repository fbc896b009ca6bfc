// A fresh, migrated, isolated database per test file, copied from the run's migrated template
// (global-setup.ts): embedded PGlite loaded from the template tarball by default, or a new PostgreSQL
// database cloned from the template database when TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '#shared/db/connection';

export interface TestDb {
  db: Db;
  /** PostgreSQL URL of this database, when running against a real server. */
  url?: string;
  close(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function testDb(): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = createDb({ pglite: { loadDataDir: await openAsBlob(inject('pgliteTemplate')) } });
    // PGlite starts on the first query (seconds on a busy machine): here, inside the file's beforeAll and its
    // hook timeout, rather than inside whichever test happens to query first and its 30 s test timeout.
    await sql`select 1`.execute(db);
    return { db, close: () => db.destroy() };
  }
  const name = `rc_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name} template ${inject('pgTemplate')}`);
  const url = withDatabase(serverUrl, name);
  const db = createDb({ url, poolMax: 5 });
  return {
    db,
    url,
    async close() {
      await db.destroy();
      // pg-pool's end() resolves before its clients' goodbyes reach the server; a forced drop would then kill
      // a closing connection, whose FATAL surfaces as an unhandled error in the test run.
      await backendsGone(serverUrl, name);
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function backendsGone(url: string, database: string, timeoutMs = 2000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [database]);
      if (rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await client.end();
  }
}
