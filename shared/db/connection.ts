// One database handle per process (per Lambda container), created lazily outside the handler and
// reused. Which database: in AWS, the RDS Proxy with an IAM token as the application role (DATABASE_HOST);
// DATABASE_URL when set; else embedded PGlite. The owner's connection (the migration only) lives in
// owner-connection.ts (the owner secret, through shared/secrets.ts), which only the migration imports.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { config } from '#shared/config';
import { errorFields, logger } from '#shared/logger';
import { systemClock } from '#shared/clock';
import { credentialsFromEnv, iamAuthToken } from './iam-token';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type Db = Kysely<Database>;
/** Repository functions take this first: a plain handle or an open transaction. */
export type Conn = Kysely<Database> | Transaction<Database>;

/** AWS: the RDS Proxy, entered with IAM authentication (no password exists for this user). */
export interface IamEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  region: string;
}

export interface DbOptions {
  url?: string;
  iam?: IamEndpoint;
  /** dataDir: kept on disk (else in memory); loadDataDir: start from this dumped data dir (a migrated template) instead of initdb. */
  pglite?: { dataDir?: string; loadDataDir?: Blob };
  poolMax?: number;
  /** How long a new connection may take before the query fails (and the API answers 503). Default 3 s. */
  connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Every pool gets an 'error' listener: an idle client whose socket dies (an Aurora failover, a network
 * blip) makes the pool emit 'error', and an EventEmitter without a listener throws it, killing the
 * process. pg has already dropped that client, so logging is all there is to do: the next query opens a
 * new connection. The connect timeout turns an unreachable database into a quick, retryable failure.
 */
export function createPool(config: pg.PoolConfig & { connectTimeoutMs?: number }): pg.Pool {
  const { connectTimeoutMs, ...rest } = config;
  const pool = new pg.Pool({ connectionTimeoutMillis: connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, ...rest, types: pgTypes });
  pool.on('error', (error) => logger.warn('idle database connection lost; the next query reconnects', errorFields(error)));
  return pool;
}

// DATE stays 'YYYY-MM-DD'; int8 counts become numbers. Per pool, not pg's global registry.
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 1082) return (value: string) => value;
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * IAM authentication through the RDS Proxy: pg asks for the password at each new connection, and each
 * gets a freshly signed token (valid 15 minutes, used only to open the connection; signing is local,
 * no network call: shared/db/iam-token.ts).
 */
export function poolWithIamAuth(endpoint: IamEndpoint, max: number, connectTimeoutMs?: number): pg.Pool {
  return createPool({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    database: endpoint.database,
    // The wall clock, never the injected one: RDS checks X-Amz-Date against real time, also under a test's or
    // the simulator's pinned clock.
    password: async () => iamAuthToken(endpoint, credentialsFromEnv(), systemClock.now()),
    max,
    idleTimeoutMillis: 60_000,
    // The proxy requires TLS; its certificate chains to a public CA.
    ssl: { rejectUnauthorized: true },
    connectTimeoutMs,
  });
}

export function createDb(options: DbOptions): Db {
  const max = options.poolMax ?? 2;
  if (options.iam) {
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: poolWithIamAuth(options.iam, max, options.connectTimeoutMs) }) });
  }
  if (options.url) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPool({ connectionString: options.url, max, connectTimeoutMs: options.connectTimeoutMs }) }),
    });
  }
  // Imported only on the embedded path; Lambda bundles leave PGlite out (lib/aws/bundling.ts).
  const { dataDir, loadDataDir } = options.pglite ?? {};
  const embedded = import('@electric-sql/pglite').then(({ PGlite }) => new PGlite({ dataDir, loadDataDir }));
  return new Kysely<Database>({ dialect: new PGliteDialect(embedded) });
}

let shared: Db | undefined;

/** The process-wide handle, built from the environment on first use. */
export function getDb(): Db {
  if (!shared) {
    const c = config();
    shared = createDb({
      ...(c.DATABASE_HOST &&
        c.DATABASE_USER && {
          iam: { host: c.DATABASE_HOST, port: c.DATABASE_PORT, database: c.DATABASE_NAME, user: c.DATABASE_USER, region: c.AWS_REGION },
        }),
      url: c.DATABASE_URL,
      pglite: { dataDir: c.PGLITE_DATA_DIR },
      poolMax: c.DB_POOL_MAX,
      connectTimeoutMs: c.DB_CONNECT_TIMEOUT_MS,
    });
  }
  return shared;
}

/** The local runtime and tests hand their own database to every handler in the process. */
export function setDb(db: Db | undefined): void {
  shared = db;
}
