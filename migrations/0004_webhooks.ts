// Vendor links remember when they were last (re)connected, so a deauthorization or deregistration that
// arrives late (a vendor retry, a redelivered message) cannot undo a newer connection.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table vendor_connections add column connected_at timestamptz not null default now()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table vendor_connections drop column connected_at`.execute(db);
}
