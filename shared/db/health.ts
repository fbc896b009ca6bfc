import { sql } from 'kysely';
import type { Conn } from './connection';

/** A real round trip: proves the connection, credentials and that the schema is migrated. */
export async function checkDatabase(db: Conn): Promise<'ok'> {
  await sql`select 1 from schema_migrations limit 1`.execute(db);
  return 'ok';
}
