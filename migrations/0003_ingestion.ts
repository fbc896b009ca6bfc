// Ingestion (issue 5): an outbox for events decided inside a database transaction, and one stored
// rejection per vendor item so a re-delivered bad activity is not listed twice.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const upStatements: RawBuilder<unknown>[] = [
  // Events are written in the same transaction as the change they announce and published after commit;
  // rows still here were not published (PutEvents failed) and are retried by the relay schedule, so a
  // committed change is never left without its event.
  sql`
    create table event_outbox (
      id uuid primary key default gen_random_uuid(),
      detail_type text not null check (detail_type <> ''),
      detail jsonb not null check (jsonb_typeof(detail) = 'object'),
      created_at timestamptz not null default now()
    )`,
  sql`create index event_outbox_created_at_idx on event_outbox (created_at)`,

  // The latest verdict per vendor item: a redelivery or a still-wrong update replaces it.
  sql`
    create unique index ingest_rejections_user_id_vendor_external_id_key
      on ingest_rejections (user_id, vendor, external_id)`,
];

const downStatements: RawBuilder<unknown>[] = [sql`drop index ingest_rejections_user_id_vendor_external_id_key`, sql`drop table event_outbox`];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
