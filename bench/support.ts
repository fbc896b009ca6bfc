// Small helpers shared by the benchmarks: timing, and a database (PGlite, or PostgreSQL in a scratch schema with
// DATABASE_URL) whose statements are counted.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresDialect,
  type QueryResult,
  sql,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { adminQuery as admin } from '#test/support/db';
import type { Db } from '#shared/db/connection';
import { PGliteDialect } from '#shared/db/pglite-dialect';
import type { Database } from '#shared/db/schema';

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timeIt(runs: number, fn: () => Promise<unknown>, warmup = Math.min(5, runs)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

// ---- round-trip counting --------------------------------------------------------------------------

export class Counter {
  roundTrips = 0;
}

class CountingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly counter: Counter,
  ) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.counter.roundTrips += 1;
    return this.inner.executeQuery<R>(query);
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    this.counter.roundTrips += 1;
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** Both drivers send BEGIN/COMMIT through the connection they are given, so those are counted too. */
class CountingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly counter: Counter,
  ) {}
  init = () => this.inner.init();
  destroy = () => this.inner.destroy();
  async acquireConnection(): Promise<DatabaseConnection> {
    return new CountingConnection(await this.inner.acquireConnection(), this.counter);
  }
  beginTransaction = (c: DatabaseConnection, s: TransactionSettings) => this.inner.beginTransaction(c, s);
  commitTransaction = (c: DatabaseConnection) => this.inner.commitTransaction(c);
  rollbackTransaction = (c: DatabaseConnection) => this.inner.rollbackTransaction(c);
  releaseConnection = (c: DatabaseConnection) => this.inner.releaseConnection((c as CountingConnection).inner);
}

function counting(inner: Dialect, counter: Counter): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new CountingDriver(inner.createDriver(), counter),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}

export async function openDatabase(counter: Counter): Promise<{ db: Db; close(): Promise<void>; kind: string }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new Kysely<Database>({ dialect: counting(new PGliteDialect(new PGlite()), counter) });
    return { db, kind: 'PGlite (embedded)', close: () => db.destroy() };
  }
  // A throwaway database: a scratch schema would see another run's tables in public.
  const name = `rc_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  // The same type parsing as shared/db/connection.ts: DATE stays 'YYYY-MM-DD', int8 is a number.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === 1082 ? (v: string) => v : oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: target.toString(), max: 2, types });
  const db = new Kysely<Database>({ dialect: counting(new PostgresDialect({ pool }), counter) });
  return {
    db,
    kind: 'PostgreSQL',
    async close() {
      await db.destroy();
      // pg-pool's end() resolves before its connections' goodbyes reach the server; a forced drop would then
      // kill a closing connection, whose error surfaces in the pool (test/support/db.ts waits the same way).
      for (let i = 0; i < 200; i++) {
        const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** PGlite, or a throwaway database on DATABASE_URL's server (dropped afterwards). */
export async function openBenchDatabase(): Promise<{ db: Db; label: string; postgres: boolean; close(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = createDb({});
    await migrateToLatest(db);
    return { db, label: 'PGlite (embedded)', postgres: false, close: () => db.destroy() };
  }
  const name = `rc_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDb({ url: url.toString(), poolMax: 2 });
  await migrateToLatest(db);
  const { rows } = await sql<{ version: string }>`select current_setting('server_version') as version`.execute(db);
  return {
    db,
    label: `PostgreSQL ${rows[0]?.version} (${url.host})`,
    postgres: true,
    async close() {
      await db.destroy();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
