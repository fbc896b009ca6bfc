// The schema owner's connection, for the deploy-time migration only: straight to the writer with the
// credentials of the owner secret, which rotates every 30 days. Every other function connects as the
// application role through the proxy (connection.ts).
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { type SecretReader, secrets } from '#shared/secrets';
import { createPool, type Db } from './connection';
import type { Database } from './schema';

interface AuroraSecret {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
}

/** PostgreSQL's invalid_password: the cached secret is older than the rotation that changed it. */
const INVALID_PASSWORD = '28P01';

/**
 * The owner secret through the one secret reader (shared/secrets.ts), read again when the database refuses
 * its password: the secret rotates every 30 days, and a warm container would otherwise keep the old one
 * until the reader's time to live ran out.
 */
export function ownerCredentials(secretArn: string, reader: SecretReader = secrets()) {
  return {
    get: async () => JSON.parse(await reader.get(secretArn)) as AuroraSecret,
    invalidate: () => reader.refresh(secretArn),
  };
}

/** Retries a connect once, after `onAuthFailure` (which reads the secret again), when PostgreSQL refuses the password. */
export function retryOnInvalidPassword(pool: pg.Pool, onAuthFailure: () => Promise<unknown>): pg.Pool {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    try {
      return await connect();
    } catch (error) {
      if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
      await onAuthFailure();
      return connect();
    }
  };
  return pool;
}

async function poolFromSecret(secretArn: string, max: number): Promise<pg.Pool> {
  const credentials = ownerCredentials(secretArn);
  const secret = await credentials.get();
  const pool = createPool({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: async () => (await credentials.get()).password,
    database: secret.dbname ?? 'postgres',
    max,
    idleTimeoutMillis: 60_000,
    // Aurora's CA is loaded through NODE_EXTRA_CA_CERTS (the Lambda runtime's bundle).
    ssl: { rejectUnauthorized: true },
  });
  return retryOnInvalidPassword(pool, credentials.invalidate);
}

export function createOwnerDb(secretArn: string, max = 2): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => poolFromSecret(secretArn, max) }) });
}
