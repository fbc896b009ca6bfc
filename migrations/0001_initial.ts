// The product schema. Plain SQL because CHECK constraints read better than the schema builder.
// Conventions: uuid ids; every user-owned table has user_id -> users ON DELETE CASCADE (erasure deletes
// everything) and its indexes lead with user_id; calendar days are DATE, instants timestamptz; metric values
// double precision (pg returns JS numbers); enumerations are text + CHECK (easier to migrate than PG enums).
// Children point at (id, user_id) of their parent, so a row can never link to another user's row.
// A bare `x >= 0` lets 'NaN' and 'Infinity' through (PostgreSQL orders NaN above every number), hence the
// `< 'Infinity'` bounds on unbounded metrics.
// One statement per query: PGlite's extended protocol runs a single statement at a time.
// Runs on PostgreSQL 15 and on PGlite (NULLS NOT DISTINCT and ON DELETE SET NULL (column) need 15+).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const tablesWithUpdatedAt = [
  'users',
  'vendor_connections',
  'activities',
  'daily_metrics',
  'training_plans',
  'scheduled_workouts',
  'rolling_stats',
  'risk_alerts',
  'pending_tasks',
  'notifications',
];

const upStatements: RawBuilder<unknown>[] = [
  sql`
    create function set_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end
    $$`,

  // Identity, profile, settings and physiological baselines.
  sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      password_hash text check (password_hash <> ''),
      apple_sub text check (apple_sub <> ''),
      google_sub text check (google_sub <> ''),
      dob date check (dob >= date '1900-01-01'),
      sex text not null default 'unspecified' check (sex in ('female', 'male', 'unspecified')),
      weight_kg double precision check (weight_kg between 25 and 300),
      height_cm double precision check (height_cm between 100 and 250),
      preferred_units text not null default 'metric' check (preferred_units in ('metric', 'imperial')),
      notification_preferences jsonb not null default '{}'
        check (jsonb_typeof(notification_preferences) = 'object'),
      time_zone text not null default 'UTC' check (btrim(time_zone) <> ''),
      week_start_day smallint not null default 1 check (week_start_day between 1 and 7),
      resting_hr smallint check (resting_hr between 25 and 120),
      hrv_rmssd double precision check (hrv_rmssd > 0 and hrv_rmssd < 500),
      max_hr smallint check (max_hr between 120 and 230),
      lactate_threshold_hr smallint check (lactate_threshold_hr between 25 and 250),
      responder_classification text check (responder_classification in ('low', 'average', 'high')),
      responder_updated_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint users_email_key unique (email),
      constraint users_apple_sub_key unique (apple_sub),
      constraint users_google_sub_key unique (google_sub),
      constraint users_email_lower_case_check check (email = lower(email)),
      constraint users_email_format_check check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      constraint users_credential_check
        check (password_hash is not null or apple_sub is not null or google_sub is not null),
      -- Three-valued logic: an unknown baseline never violates the order, a known inversion does.
      constraint users_hr_order_check
        check (resting_hr < lactate_threshold_hr and lactate_threshold_hr < max_hr and resting_hr < max_hr),
      constraint users_responder_updated_at_check
        check ((responder_classification is null) = (responder_updated_at is null))
    )`,
  // The hourly missed-workout sweep picks the zones whose local midnight just passed.
  sql`create index users_time_zone_idx on users (time_zone)`,

  // Rotation chains: a login starts a family; each refresh marks its token used and points replaced_by at
  // the new one. Reuse of a used token revokes the whole family.
  sql`
    create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      family_id uuid not null,
      token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
      replaced_by uuid,
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      constraint refresh_tokens_token_hash_key unique (token_hash),
      constraint refresh_tokens_id_user_id_key unique (id, user_id),
      constraint refresh_tokens_replaced_by_key unique (user_id, replaced_by),
      constraint refresh_tokens_replaced_by_fkey foreign key (replaced_by, user_id)
        references refresh_tokens (id, user_id) on delete set null (replaced_by),
      constraint refresh_tokens_replaced_by_check
        check (replaced_by <> id and (replaced_by is null or used_at is not null)),
      constraint refresh_tokens_expires_at_check check (expires_at > created_at)
    )`,
  sql`create index refresh_tokens_user_id_family_id_idx on refresh_tokens (user_id, family_id)`,
  sql`create index refresh_tokens_expires_at_idx on refresh_tokens (expires_at)`,
  sql`comment on column refresh_tokens.token_hash is 'SHA-256 of the token, lower-case hex; the token itself is never stored'`,

  sql`
    create table failed_login_attempts (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      attempted_at timestamptz not null default now()
    )`,
  sql`create index failed_login_attempts_user_id_attempted_at_idx on failed_login_attempts (user_id, attempted_at)`,
  sql`create index failed_login_attempts_attempted_at_idx on failed_login_attempts (attempted_at)`,

  // Tokens are ciphertext (text, e.g. base64 envelope) so both drivers return the same JS type.
  sql`
    create table vendor_connections (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      vendor text not null check (vendor in ('garmin', 'strava')),
      vendor_user_id text not null check (vendor_user_id <> ''),
      access_token_ciphertext text,
      refresh_token_ciphertext text,
      expires_at timestamptz,
      scopes text[] not null default '{}',
      status text not null default 'connected' check (status in ('connected', 'disconnected')),
      disconnected_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint vendor_connections_vendor_user_id_key unique (vendor, vendor_user_id),
      constraint vendor_connections_user_id_vendor_key unique (user_id, vendor),
      constraint vendor_connections_disconnected_at_check
        check ((status = 'disconnected') = (disconnected_at is not null)),
      -- A disconnected link keeps no credentials.
      constraint vendor_connections_tokens_check
        check (status = 'connected' or (access_token_ciphertext is null and refresh_token_ciphertext is null))
    )`,

  sql`
    create table ingest_rejections (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      vendor text not null check (vendor in ('garmin', 'strava', 'apple')),
      external_id text,
      reason text not null check (reason <> ''),
      payload_summary jsonb not null default '{}' check (jsonb_typeof(payload_summary) = 'object'),
      created_at timestamptz not null default now()
    )`,
  sql`create index ingest_rejections_user_id_created_at_idx on ingest_rejections (user_id, created_at)`,

  sql`
    create table activities (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      source text not null check (source in ('manual', 'garmin', 'strava', 'apple')),
      external_id text check (external_id <> ''),
      type text not null
        check (type in ('run', 'long_run', 'interval', 'recovery', 'tempo', 'race', 'trail_run', 'treadmill', 'strength', 'cross_training', 'walk', 'ride', 'other')),
      start_time timestamptz not null,
      local_date date not null,
      utc_offset_minutes smallint check (utc_offset_minutes between -720 and 840),
      duration_minutes double precision not null check (duration_minutes > 0 and duration_minutes <= 1440),
      distance_meters double precision check (distance_meters between 0 and 1000000),
      avg_hr smallint check (avg_hr between 25 and 250),
      max_hr smallint check (max_hr between 25 and 250),
      elevation_gain_meters double precision check (elevation_gain_meters between 0 and 30000),
      rpe smallint check (rpe between 1 and 10),
      feeling smallint check (feeling between 1 and 5),
      notes text,
      internal_load double precision check (internal_load between 0 and 14400),
      trimp double precision check (trimp >= 0 and trimp < 'Infinity'),
      duplicate_of uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint activities_id_user_id_key unique (id, user_id),
      constraint activities_external_id_key unique (user_id, source, external_id),
      constraint activities_duplicate_of_fkey foreign key (duplicate_of, user_id)
        references activities (id, user_id) on delete set null (duplicate_of),
      constraint activities_duplicate_of_check check (duplicate_of <> id),
      constraint activities_hr_order_check check (avg_hr <= max_hr),
      constraint activities_vendor_external_id_check check (source = 'manual' or external_id is not null),
      -- Every zone is within UTC-12..UTC+14, so the local start date is within a day of the UTC one.
      constraint activities_local_date_check check (
        local_date between (start_time at time zone 'UTC')::date - 1 and (start_time at time zone 'UTC')::date + 1
      )
    )`,
  sql`create index activities_user_id_local_date_idx on activities (user_id, local_date)`,
  sql`create index activities_user_id_start_time_idx on activities (user_id, start_time)`,
  sql`create index activities_user_id_duplicate_of_idx on activities (user_id, duplicate_of)`,
  sql`comment on column activities.local_date is 'athlete-local calendar date of the start; the day its load counts on'`,
  sql`comment on column activities.external_id is 'vendor id, or the app''s client id of a manual entry (sync idempotency)'`,
  sql`comment on column activities.duplicate_of is 'the activity this one repeats from another source; duplicates carry no load'`,
  sql`comment on column activities.internal_load is 'session-RPE load: duration in minutes x RPE (Foster 2001), AU'`,

  // One row per sample. Speed, not pace: pace is unbounded at a standstill; pace s/km = 1000 / speed_mps.
  sql`
    create table activity_samples (
      user_id uuid not null references users (id) on delete cascade,
      activity_id uuid not null,
      offset_seconds integer not null check (offset_seconds between 0 and 86400),
      hr smallint check (hr between 25 and 250),
      speed_mps double precision check (speed_mps >= 0 and speed_mps < 100),
      cadence smallint check (cadence between 0 and 300),
      power_w smallint check (power_w between 0 and 3000),
      primary key (user_id, activity_id, offset_seconds),
      constraint activity_samples_activity_id_fkey foreign key (activity_id, user_id)
        references activities (id, user_id) on delete cascade,
      constraint activity_samples_values_check check (num_nonnulls(hr, speed_mps, cadence, power_w) > 0)
    )`,

  // One row per athlete-local day; merged from every source and from the morning check-in.
  sql`
    create table daily_metrics (
      user_id uuid not null references users (id) on delete cascade,
      date date not null,
      resting_hr smallint check (resting_hr between 25 and 120),
      hrv_rmssd double precision check (hrv_rmssd > 0 and hrv_rmssd < 500),
      hrv_sdnn_ms double precision check (hrv_sdnn_ms > 0 and hrv_sdnn_ms < 500),
      weight_kg double precision check (weight_kg between 25 and 300),
      sleep_duration_minutes smallint check (sleep_duration_minutes between 0 and 1440),
      sleep_quality smallint check (sleep_quality between 1 and 10),
      sleep_index double precision check (sleep_index between 0 and 100),
      morning_readiness smallint check (morning_readiness between 1 and 10),
      soreness smallint check (soreness between 1 and 10),
      stress smallint check (stress between 1 and 10),
      mood smallint check (mood between 1 and 10),
      readiness_light text check (readiness_light in ('green', 'yellow', 'red')),
      readiness_reasons jsonb not null default '[]' check (jsonb_typeof(readiness_reasons) = 'array'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (user_id, date)
    )`,
  sql`comment on column daily_metrics.hrv_sdnn_ms is 'SDNN (Apple Health); never mixed with rMSSD'`,
  sql`comment on column daily_metrics.readiness_light is 'null: not judged yet or not enough data'`,

  sql`
    create table training_plans (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      goal_race_date date not null,
      goal_distance_meters double precision not null check (goal_distance_meters > 0 and goal_distance_meters <= 1000000),
      start_date date not null,
      status text not null default 'active' check (status in ('active', 'completed', 'cancelled')),
      phases jsonb not null default '[]' check (jsonb_typeof(phases) = 'array'),
      version integer not null default 1 check (version >= 1),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint training_plans_id_user_id_key unique (id, user_id),
      constraint training_plans_dates_check check (start_date < goal_race_date)
    )`,
  sql`create unique index training_plans_one_active_idx on training_plans (user_id) where status = 'active'`,
  sql`create index training_plans_user_id_goal_race_date_idx on training_plans (user_id, goal_race_date)`,

  sql`
    create table scheduled_workouts (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      plan_id uuid not null,
      date date not null,
      type text not null
        check (type in ('easy', 'long_run', 'tempo', 'interval', 'recovery', 'strength', 'cross_training', 'race')),
      target_duration_minutes double precision check (target_duration_minutes > 0 and target_duration_minutes <= 1440),
      target_distance_meters double precision check (target_distance_meters > 0 and target_distance_meters <= 1000000),
      target_rpe smallint check (target_rpe between 1 and 10),
      zone smallint check (zone between 1 and 5),
      description text not null default '',
      state text not null default 'planned' check (state in ('planned', 'completed', 'skipped', 'missed')),
      completed_activity_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint scheduled_workouts_plan_id_fkey foreign key (plan_id, user_id)
        references training_plans (id, user_id) on delete cascade,
      constraint scheduled_workouts_completed_activity_id_fkey foreign key (completed_activity_id, user_id)
        references activities (id, user_id) on delete set null (completed_activity_id),
      constraint scheduled_workouts_completed_activity_id_check
        check (completed_activity_id is null or state = 'completed')
    )`,
  sql`create index scheduled_workouts_user_id_date_idx on scheduled_workouts (user_id, date)`,
  sql`create index scheduled_workouts_user_id_plan_id_date_idx on scheduled_workouts (user_id, plan_id, date)`,
  // One activity completes at most one workout.
  sql`create unique index scheduled_workouts_completed_activity_idx on scheduled_workouts (user_id, completed_activity_id)`,
  // The missed-workout sweep looks across users for planned workouts whose day has passed.
  sql`create index scheduled_workouts_planned_date_idx on scheduled_workouts (date, user_id) where state = 'planned'`,

  sql`
    create table rolling_stats (
      user_id uuid not null references users (id) on delete cascade,
      date date not null,
      load double precision not null check (load >= 0 and load < 'Infinity'),
      acute double precision not null check (acute >= 0 and acute < 'Infinity'),
      chronic double precision not null check (chronic >= 0 and chronic < 'Infinity'),
      acwr double precision check (acwr >= 0 and acwr < 'Infinity'),
      tsb double precision not null check (tsb > '-Infinity' and tsb < 'Infinity'),
      week_load double precision check (week_load >= 0 and week_load < 'Infinity'),
      monotony double precision check (monotony >= 0 and monotony < 'Infinity'),
      strain double precision check (strain >= 0 and strain < 'Infinity'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (user_id, date)
    )`,
  sql`comment on column rolling_stats.load is 'the day''s internal load (sum over non-duplicate activities), AU'`,
  sql`comment on column rolling_stats.acwr is 'acute / chronic; null when chronic = 0'`,
  sql`comment on column rolling_stats.tsb is 'chronic - acute on 7/28-day EWMAs; not TrainingPeaks Form (42/7)'`,
  sql`comment on column rolling_stats.monotony is 'mean / population SD of the 7 days ending on date; null when undefined'`,

  sql`
    create table risk_alerts (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (kind in ('acwr', 'monotony')),
      date date not null,
      metrics jsonb not null check (jsonb_typeof(metrics) = 'object'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint risk_alerts_user_id_kind_date_key unique (user_id, kind, date)
    )`,
  sql`create index risk_alerts_user_id_date_idx on risk_alerts (user_id, date)`,
  sql`comment on column risk_alerts.metrics is 'the numbers that raised the alert (e.g. acwr, acute, chronic)'`,

  sql`
    create table pending_tasks (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (kind in ('enter_rpe')),
      activity_id uuid,
      status text not null default 'open' check (status in ('open', 'done', 'dismissed')),
      resolved_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint pending_tasks_activity_id_fkey foreign key (activity_id, user_id)
        references activities (id, user_id) on delete cascade,
      constraint pending_tasks_resolved_at_check check ((status = 'open') = (resolved_at is null)),
      constraint pending_tasks_activity_id_check check (kind <> 'enter_rpe' or activity_id is not null)
    )`,
  // NULLS NOT DISTINCT: a task that is about no activity is still open at most once.
  sql`
    create unique index pending_tasks_one_open_idx on pending_tasks (user_id, kind, activity_id)
      nulls not distinct where status = 'open'`,
  sql`create index pending_tasks_user_id_activity_id_idx on pending_tasks (user_id, activity_id)`,

  sql`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (
        kind in ('risk_alert', 'plan_adapted', 'workout_missed', 'readiness', 'pending_task', 'vendor_disconnected')
      ),
      title text not null check (btrim(title) <> ''),
      body text not null,
      data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
      dedupe_key text check (dedupe_key <> ''),
      read_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- Workers may run twice for one event; the key makes the second insert a no-op.
      constraint notifications_user_id_dedupe_key_key unique (user_id, dedupe_key)
    )`,
  sql`create index notifications_user_id_created_at_idx on notifications (user_id, created_at)`,
  sql`create index notifications_unread_idx on notifications (user_id, created_at) where read_at is null`,

  ...tablesWithUpdatedAt.map(
    (table) => sql`
      create trigger ${sql.id(`${table}_set_updated_at`)} before update on ${sql.table(table)}
      for each row execute function set_updated_at()`,
  ),
];

// Children first.
const downStatements: RawBuilder<unknown>[] = [
  sql`drop table notifications`,
  sql`drop table pending_tasks`,
  sql`drop table risk_alerts`,
  sql`drop table rolling_stats`,
  sql`drop table scheduled_workouts`,
  sql`drop table training_plans`,
  sql`drop table daily_metrics`,
  sql`drop table activity_samples`,
  sql`drop table activities`,
  sql`drop table ingest_rejections`,
  sql`drop table vendor_connections`,
  sql`drop table failed_login_attempts`,
  sql`drop table refresh_tokens`,
  sql`drop table users`,
  sql`drop function set_updated_at()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
