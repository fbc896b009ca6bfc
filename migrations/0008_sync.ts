// Offline sync (issue 10): a per-user change log filled by triggers on every synced table, and the results of
// the app's offline mutations (idempotency on clientMutationId).
//
// Why a per-user sequence under a lock, and not a global sequence or updated_at: a reader that remembers "the
// highest number I saw" must never find a smaller number committed later. A global sequence hands out numbers
// at write time, not at commit: T1 takes 10, T2 takes 11 and commits, a reader returns 11, then T1 commits 10 and
// the reader, now past 11, never sees it. Here the number comes from the user's counter row, incremented in the
// writing transaction and locked until it ends, so for one user the next number is only handed out after the
// transaction holding the previous one committed (or rolled back, taking its number with it): the committed
// numbers of a user are always 1..N without holes, and "seq > cursor" can skip nothing.
//
// Lock order: the trigger locks the users row (FOR NO KEY UPDATE) before the counter. PATCH /me locks the users
// row first too, and the daily check-in updates the users row (baselines) after writing a day; with the counter
// taken first by the one and the users row by the other they could deadlock. FK checks (KEY SHARE) do not
// conflict with NO KEY UPDATE.
//
// The log is compacted: one row per entity (primary key user_id, entity, entity_id) carrying the seq and op of its
// latest change, so its size is the number of entities plus their tombstones, and a first sync reads it from 0.
// Statement-level triggers with transition tables: one counter update and one log upsert per statement, however
// many rows it touched (a 1,000-day rolling-stats rewrite is one upsert, not 1,000). Cascaded deletes (an
// activity's tasks, a plan's workouts) fire the child's delete trigger, so they leave tombstones too; an account
// erasure leaves none (the users row is gone, so the trigger finds no owner, and the log goes with the account).
import { sql, type Kysely, type RawBuilder } from 'kysely';

/** The entities of the feed (GET /api/v1/sync), as the API names them. */
const entities = ['profile', 'activity', 'dailyMetric', 'plan', 'workout', 'planChange', 'loadDay', 'alert', 'task', 'notification'];

interface Tracked {
  table: string;
  entity: string;
  /** The entity's id as text, over a transition-table row `r`. */
  key: string;
}

/** Tables tracked the same way: every insert and update is an upsert, every delete a tombstone. */
const tracked: Tracked[] = [
  { table: 'activities', entity: 'activity', key: 'r.id::text' },
  { table: 'daily_metrics', entity: 'dailyMetric', key: 'r.date::text' },
  { table: 'rolling_stats', entity: 'loadDay', key: 'r.date::text' },
  { table: 'risk_alerts', entity: 'alert', key: 'r.id::text' },
  { table: 'pending_tasks', entity: 'task', key: 'r.id::text' },
  { table: 'notifications', entity: 'notification', key: 'r.id::text' },
  // Migration 0005 (training plans) runs before this one. A workout replaced by a new plan version is an
  // update (removed_in_version), sent as its tombstone by the feed.
  { table: 'training_plans', entity: 'plan', key: 'r.id::text' },
  { table: 'scheduled_workouts', entity: 'workout', key: 'r.id::text' },
  { table: 'plan_changes', entity: 'planChange', key: 'r.id::text' },
];

/**
 * The users columns GET /me does not show: a change of any other column is a profile change. Stated as what is
 * left out, so a column a later migration adds to the profile (0009's responder evidence) is followed too.
 */
const notProfile = ['password_hash', 'apple_sub', 'google_sub', 'created_at', 'updated_at'];

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

function trackTable({ table, entity, key }: Tracked): RawBuilder<unknown>[] {
  const upsertFn = sql.id(`sync_track_${table}_upsert`);
  const deleteFn = sql.id(`sync_track_${table}_delete`);
  return [
    sql`
      create function ${upsertFn}() returns trigger language plpgsql as $$
      begin
        perform sync_record(${sql.lit(entity)}, 'upsert', array(select row(r.user_id, ${sql.raw(key)})::sync_key from new_rows r));
        return null;
      end
      $$`,
    sql`
      create function ${deleteFn}() returns trigger language plpgsql as $$
      begin
        perform sync_record(${sql.lit(entity)}, 'delete', array(select row(r.user_id, ${sql.raw(key)})::sync_key from old_rows r));
        return null;
      end
      $$`,
    sql`create trigger ${sql.id(`${table}_sync_insert`)} after insert on ${sql.table(table)}
        referencing new table as new_rows for each statement execute function ${upsertFn}()`,
    sql`create trigger ${sql.id(`${table}_sync_update`)} after update on ${sql.table(table)}
        referencing new table as new_rows for each statement execute function ${upsertFn}()`,
    sql`create trigger ${sql.id(`${table}_sync_delete`)} after delete on ${sql.table(table)}
        referencing old table as old_rows for each statement execute function ${deleteFn}()`,
  ];
}

const upStatements: RawBuilder<unknown>[] = [
  sql`
    create table sync_counters (
      user_id uuid primary key references users (id) on delete cascade,
      seq bigint not null default 0 check (seq >= 0)
    )`,
  sql`comment on table sync_counters is 'the last change number handed out per user; its row lock orders a user''s changes by commit'`,

  sql`
    create table sync_changes (
      user_id uuid not null references users (id) on delete cascade,
      entity text not null check (entity in (${list(entities)})),
      entity_id text not null check (entity_id <> ''),
      seq bigint not null check (seq > 0),
      op text not null check (op in ('upsert', 'delete')),
      changed_at timestamptz not null default now(),
      primary key (user_id, entity, entity_id)
    )`,
  sql`create unique index sync_changes_user_id_seq_key on sync_changes (user_id, seq)`,
  sql`comment on table sync_changes is 'the latest change of each synced entity of a user (compacted change log); op delete is a tombstone'`,

  sql`
    create table sync_mutations (
      user_id uuid not null references users (id) on delete cascade,
      client_mutation_id uuid not null,
      entity text not null check (entity <> ''),
      op text not null check (op <> ''),
      entity_id text,
      status text not null check (status in ('applied', 'conflict', 'rejected')),
      result jsonb not null check (jsonb_typeof(result) = 'object'),
      client_timestamp timestamptz not null,
      created_at timestamptz not null default now(),
      primary key (user_id, client_mutation_id)
    )`,
  // The conflict rule reads the newest applied mutation of an entity; the prune reads by age.
  sql`
    create index sync_mutations_user_id_entity_idx on sync_mutations (user_id, entity, entity_id, client_timestamp)
      where status = 'applied'`,
  sql`create index sync_mutations_created_at_idx on sync_mutations (created_at)`,
  sql`comment on table sync_mutations is 'the answer given to each offline mutation, so a replay is answered and not applied again (kept 35 days)'`,

  sql`create type sync_key as (user_id uuid, entity_id text)`,
  // One statement: lock the owners (users rows, in id order), bump their counters by their number of changes,
  // and give each change its number. Owners already erased in this transaction are not found and skipped.
  sql`
    create function sync_record(p_entity text, p_op text, p_keys sync_key[]) returns void language plpgsql as $$
    begin
      if cardinality(p_keys) = 0 then
        return;
      end if;
      with
        keys as (
          select distinct k.user_id, k.entity_id from unnest(p_keys) k
        ),
        owners as (
          select u.id from users u where u.id in (select user_id from keys) order by u.id for no key update
        ),
        counts as (
          select k.user_id, count(*) as n from keys k join owners o on o.id = k.user_id group by k.user_id
        ),
        counted as (
          insert into sync_counters as c (user_id, seq)
          select user_id, n from counts
          on conflict (user_id) do update set seq = c.seq + excluded.seq
          returning c.user_id, c.seq
        )
      insert into sync_changes as s (user_id, entity, entity_id, seq, op)
      select k.user_id, p_entity, k.entity_id,
             c.seq - count(*) over (partition by k.user_id) + row_number() over (partition by k.user_id order by k.entity_id),
             p_op
        from keys k
        join counted c on c.user_id = k.user_id
      on conflict (user_id, entity, entity_id) do update
        set seq = excluded.seq, op = excluded.op, changed_at = now();
    end
    $$`,

  ...tracked.flatMap(trackTable),

  // The profile: a new account, and changes of what GET /me shows (not password hashes or sign-in subjects).
  sql`
    create function sync_track_users_insert() returns trigger language plpgsql as $$
    begin
      perform sync_record('profile', 'upsert', array(select row(r.id, r.id::text)::sync_key from new_rows r));
      return null;
    end
    $$`,
  sql`
    create function sync_track_users_update() returns trigger language plpgsql as $$
    begin
      perform sync_record('profile', 'upsert', array(
        select row(n.id, n.id::text)::sync_key
          from new_rows n join old_rows o on o.id = n.id
         where (to_jsonb(o) - ${sql.raw(`array[${notProfile.map((c) => `'${c}'`).join(', ')}]`)})
               is distinct from (to_jsonb(n) - ${sql.raw(`array[${notProfile.map((c) => `'${c}'`).join(', ')}]`)})));
      return null;
    end
    $$`,
  sql`create trigger users_sync_insert after insert on users
      referencing new table as new_rows for each statement execute function sync_track_users_insert()`,
  sql`create trigger users_sync_update after update on users
      referencing old table as old_rows new table as new_rows for each statement execute function sync_track_users_update()`,

  // Rows that existed before this migration enter the log once, numbered per user.
  sql`
    with existing as (
      select id as user_id, 'profile' as entity, id::text as entity_id, created_at from users
      union all select user_id, 'activity', id::text, created_at from activities
      union all select user_id, 'dailyMetric', date::text, created_at from daily_metrics
      union all select user_id, 'loadDay', date::text, created_at from rolling_stats
      union all select user_id, 'alert', id::text, created_at from risk_alerts
      union all select user_id, 'task', id::text, created_at from pending_tasks
      union all select user_id, 'notification', id::text, created_at from notifications
      union all select user_id, 'plan', id::text, created_at from training_plans
      union all select user_id, 'workout', id::text, created_at from scheduled_workouts
      union all select user_id, 'planChange', id::text, created_at from plan_changes
    )
    insert into sync_changes (user_id, entity, entity_id, seq, op)
    select user_id, entity, entity_id, row_number() over (partition by user_id order by created_at, entity, entity_id), 'upsert'
      from existing`,
  sql`insert into sync_counters (user_id, seq) select user_id, max(seq) from sync_changes group by user_id`,
];

const downStatements: RawBuilder<unknown>[] = [
  sql`drop trigger users_sync_update on users`,
  sql`drop trigger users_sync_insert on users`,
  sql`drop function sync_track_users_update()`,
  sql`drop function sync_track_users_insert()`,
  ...tracked.flatMap(({ table }) => [
    sql`drop trigger ${sql.id(`${table}_sync_delete`)} on ${sql.table(table)}`,
    sql`drop trigger ${sql.id(`${table}_sync_update`)} on ${sql.table(table)}`,
    sql`drop trigger ${sql.id(`${table}_sync_insert`)} on ${sql.table(table)}`,
    sql`drop function ${sql.id(`sync_track_${table}_delete`)}()`,
    sql`drop function ${sql.id(`sync_track_${table}_upsert`)}()`,
  ]),
  sql`drop function sync_record(text, text, sync_key[])`,
  sql`drop type sync_key`,
  sql`drop table sync_mutations`,
  sql`drop table sync_changes`,
  sql`drop table sync_counters`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
