// Training plans (issue 8), laid out for the adaptive brain (issue 9) and offline sync (issue 10):
// - a plan keeps the inputs it was generated from (goal, availability, experience, reported volume), so a
//   regenerate or an adaptation can rebuild it without asking the athlete again;
// - it keeps the load state its current version was projected from (the EWMA of the day before the first
//   generated day), so "safe by construction" can be re-checked from the same start;
// - workouts are never deleted by a new version: a replaced workout is marked `removed_in_version`, so a sync
//   client sees the removal as a change of a row it already has, and the change log can point at it;
// - every version of a plan has one `plan_changes` row: what triggered it, why (a stable code and a sentence),
//   and the before/after prescription of every workout it touched.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const upStatements: RawBuilder<unknown>[] = [
  sql`
    alter table training_plans
      add column goal_race_distance text check (goal_race_distance in ('5k', '10k', 'half', 'marathon')),
      add column goal_time_minutes double precision check (goal_time_minutes > 0 and goal_time_minutes <= 2880),
      add column days_per_week smallint not null check (days_per_week between 3 and 7),
      add column long_run_day text not null check (long_run_day in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')),
      add column unavailable_days text[] not null default '{}'
        check (unavailable_days <@ array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']::text[]),
      add column max_session_minutes smallint check (max_session_minutes between 20 and 360),
      add column experience text not null check (experience in ('beginner', 'intermediate', 'advanced')),
      add column reported_weekly_minutes double precision
        check (reported_weekly_minutes >= 0 and reported_weekly_minutes <= 3000),
      add column reported_weekly_distance_km double precision
        check (reported_weekly_distance_km >= 0 and reported_weekly_distance_km <= 1000),
      add column reported_longest_run_minutes double precision
        check (reported_longest_run_minutes >= 0 and reported_longest_run_minutes <= 1440),
      add column load_basis_date date not null,
      add column load_basis_acute double precision not null check (load_basis_acute >= 0 and load_basis_acute < 'Infinity'),
      add column load_basis_chronic double precision not null
        check (load_basis_chronic >= 0 and load_basis_chronic < 'Infinity'),
      add column load_basis_source text not null check (load_basis_source in ('history', 'reported_volume')),
      add column weeks jsonb not null default '[]' check (jsonb_typeof(weeks) = 'array'),
      add constraint training_plans_long_run_day_available_check check (not (long_run_day = any (unavailable_days)))`,
  sql`comment on column training_plans.goal_race_distance is 'a standard race, or null for a custom distance (goal_distance_meters)'`,
  sql`comment on column training_plans.load_basis_date is 'the day whose acute/chronic EWMA the current version was projected from (the day before its first generated day)'`,
  sql`comment on column training_plans.load_basis_source is 'history: the stored rolling stats; reported_volume: under 28 days of history, the EWMA seeded from the reported weekly volume'`,
  sql`comment on column training_plans.weeks is 'the generator''s weeks: [{index, startDate, endDate, phase, kind, targetLoad}]'`,

  sql`
    alter table scheduled_workouts
      add column created_in_version integer not null default 1 check (created_in_version >= 1),
      add column removed_in_version integer,
      add column original_prescription jsonb check (jsonb_typeof(original_prescription) = 'object'),
      add constraint scheduled_workouts_removed_in_version_check
        check (removed_in_version is null or (removed_in_version > created_in_version and state <> 'completed'))`,
  sql`comment on column scheduled_workouts.removed_in_version is 'the plan version that replaced this workout; null while it is part of the plan'`,
  sql`comment on column scheduled_workouts.original_prescription is 'the prescription as generated, kept by the first adaptation that changes it; null while unchanged'`,
  // The plan as the app reads it: the current workouts of a plan by date.
  sql`
    create index scheduled_workouts_current_idx on scheduled_workouts (user_id, plan_id, date)
    where removed_in_version is null`,

  sql`
    create table plan_changes (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      plan_id uuid not null,
      version integer not null check (version >= 1),
      trigger text not null check (
        trigger in ('onboarding', 'regenerate', 'readiness', 'risk_alert', 'workout_missed', 'activity_recorded', 'undo')
      ),
      reason_code text not null check (reason_code ~ '^[a-z][a-z0-9_]*$'),
      reason_message text not null check (btrim(reason_message) <> ''),
      changes jsonb not null default '[]' check (jsonb_typeof(changes) = 'array'),
      reverts_version integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint plan_changes_plan_id_fkey foreign key (plan_id, user_id)
        references training_plans (id, user_id) on delete cascade,
      constraint plan_changes_plan_id_version_key unique (plan_id, version),
      constraint plan_changes_reverts_version_check check (reverts_version >= 1 and reverts_version < version)
    )`,
  sql`comment on column plan_changes.changes is '[{date, before: {workoutId, type, targetDurationMinutes, targetDistanceMeters, targetRpe, zone, description} | null, after: ... | null}]'`,
  sql`comment on column plan_changes.reverts_version is 'for an undo: the version whose change it reverts'`,
  // The change log of the athlete's plan, newest version first (GET /plan/changes); backs the foreign key.
  sql`create index plan_changes_user_id_plan_id_version_idx on plan_changes (user_id, plan_id, version)`,
  sql`
    create trigger plan_changes_set_updated_at before update on plan_changes
    for each row execute function set_updated_at()`,
];

const downStatements: RawBuilder<unknown>[] = [
  sql`drop table plan_changes`,
  sql`drop index scheduled_workouts_current_idx`,
  sql`
    alter table scheduled_workouts
      drop constraint scheduled_workouts_removed_in_version_check,
      drop column original_prescription,
      drop column removed_in_version,
      drop column created_in_version`,
  sql`
    alter table training_plans
      drop constraint training_plans_long_run_day_available_check,
      drop column weeks,
      drop column load_basis_source,
      drop column load_basis_chronic,
      drop column load_basis_acute,
      drop column load_basis_date,
      drop column reported_longest_run_minutes,
      drop column reported_weekly_distance_km,
      drop column reported_weekly_minutes,
      drop column experience,
      drop column max_session_minutes,
      drop column unavailable_days,
      drop column long_run_day,
      drop column days_per_week,
      drop column goal_time_minutes,
      drop column goal_race_distance`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
