// One database handle per process (per Lambda container), created lazily outside the handler and
// reused. Which database: a Secrets Manager secret in AWS, DATABASE_URL when set, else embedded PGlite.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { config } from '../config';
import { errorFields, logger } from '../logger';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type Db = Kysely<Database>;
/** Repository functions take this first: a plain handle or an open transaction. */
export type Conn = Kysely<Database> | Transaction<Database>;

export interface DbOptions {
  url?: string;
  /** AWS: secret holding the Aurora credentials. */
  secretArn?: string;
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
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 1082) return (value: string) => value;
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

interface AuroraSecret {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
}

async function poolFromSecret(secretArn: string, max: number, connectTimeoutMs?: number): Promise<pg.Pool> {
  const client = new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const secret = JSON.parse(out.SecretString ?? '{}') as AuroraSecret;
  return createPool({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname ?? 'postgres',
    max,
    idleTimeoutMillis: 60_000,
    // Aurora's CA is loaded through NODE_EXTRA_CA_CERTS (the Lambda runtime's bundle).
    ssl: { rejectUnauthorized: true },
    connectTimeoutMs,
  });
}

export function createDb(options: DbOptions): Db {
  const max = options.poolMax ?? 2;
  if (options.secretArn) {
    const secretArn = options.secretArn;
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => poolFromSecret(secretArn, max, options.connectTimeoutMs) }) });
  }
  if (options.url) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPool({ connectionString: options.url, max, connectTimeoutMs: options.connectTimeoutMs }) }),
    });
  }
  // Imported only on the embedded path: esbuild still bundles PGlite into every Lambda, but no Lambda starts it.
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
      secretArn: c.DATABASE_SECRET_ARN,
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
