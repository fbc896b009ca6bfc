// The schema owner's connection, for the deploy-time migration only: straight to the writer with the
// credentials of the owner secret, which rotates every 30 days. Every other function connects as the
// application role through the proxy (connection.ts).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
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
 * The owner secret, fetched once and fetched again when the database refuses its password (the secret
 * rotates every 30 days; a warm container would otherwise keep the old one until it is recycled).
 */
export function ownerCredentials(secretArn: string, client = new SecretsManagerClient({})) {
  let current: Promise<AuroraSecret> | undefined;
  const fetch = async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return JSON.parse(out.SecretString ?? '{}') as AuroraSecret;
  };
  return {
    get: () =>
      (current ??= fetch().catch((error: unknown) => {
        // A failed fetch is not cached: the next connection asks again.
        current = undefined;
        throw error;
      })),
    invalidate: () => void (current = undefined),
  };
}

/** Retries a connect once after `onAuthFailure` when PostgreSQL refuses the password. */
export function retryOnInvalidPassword(pool: pg.Pool, onAuthFailure: () => void): pg.Pool {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    try {
      return await connect();
    } catch (error) {
      if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
      onAuthFailure();
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
