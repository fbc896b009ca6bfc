// A stored sync answer keeps only what its columns do not say (issue 10: a push of 500 writes 500 answers):
// - `result` (the whole answer: clientMutationId, status, id, reason, errors) becomes `result_detail`, the answer's
//   fields beyond the columns: reason and errors, and `id` only where it is not what the columns imply (applied or
//   conflict: entity_id; rejected: none). The plain applied answer has none: null. shared/sync/stored-answers.ts
//   writes and reads it. Rows stored before keep their whole answer, which reads the same (the fields it repeats
//   agree with the columns); they are pruned within 35 days, so no rewrite of the table here.
// - The prune reads by age only: a BRIN index (a few pages) instead of a btree entry per answer.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const upStatements: RawBuilder<unknown>[] = [
  sql`alter table sync_mutations rename column result to result_detail`,
  sql`
    alter table sync_mutations
      alter column result_detail drop not null,
      drop constraint sync_mutations_result_check,
      add constraint sync_mutations_result_detail_check check (jsonb_typeof(result_detail) = 'object')`,
  sql`comment on column sync_mutations.result_detail is 'the answer''s fields its columns do not give (reason, errors; id where it is not entity_id); null for a plain applied answer'`,
  sql`drop index sync_mutations_created_at_idx`,
  sql`create index sync_mutations_created_at_idx on sync_mutations using brin (created_at)`,
];

const downStatements: RawBuilder<unknown>[] = [
  sql`drop index sync_mutations_created_at_idx`,
  sql`create index sync_mutations_created_at_idx on sync_mutations (created_at)`,
  sql`comment on column sync_mutations.result_detail is null`,
  // The whole answer again: what the columns imply, then what the detail says (an `id` of null: no id).
  sql`
    update sync_mutations
       set result_detail = (
             jsonb_build_object('clientMutationId', client_mutation_id, 'status', status)
             || case when status <> 'rejected' and entity_id is not null then jsonb_build_object('id', entity_id) else '{}' end
             || coalesce(result_detail, '{}')
           ) - case when result_detail->'id' = 'null' then 'id' else '' end`,
  sql`
    alter table sync_mutations
      drop constraint sync_mutations_result_detail_check,
      alter column result_detail set not null,
      add constraint sync_mutations_result_check check (jsonb_typeof(result_detail) = 'object')`,
  sql`alter table sync_mutations rename column result_detail to result`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
