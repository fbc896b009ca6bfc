import { sql } from 'kysely';
import { Unavailable } from '#shared/errors';
import { errorFields, logger } from '#shared/logger';
import type { Conn } from './connection';

/** A real round trip: proves the connection, credentials and that the schema is migrated. */
export async function checkDatabase(db: Conn): Promise<'ok'> {
  await sql`select 1 from schema_migrations limit 1`.execute(db);
  return 'ok';
}

/**
 * /health: 'ok', or 503 naming the dependency that is down. Bounded, so a database that accepts the
 * connection and then hangs still gets a quick answer.
 */
export async function checkHealth(db: Conn, timeoutMs = 3_000): Promise<{ status: 'ok'; db: 'ok' }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([checkDatabase(db), timeout]);
    return { status: 'ok', db: 'ok' };
  } catch (error) {
    logger.warn('health: database down', errorFields(error));
    throw new Unavailable('db: down (the database is unreachable or not migrated)', 5);
  } finally {
    clearTimeout(timer);
  }
}
