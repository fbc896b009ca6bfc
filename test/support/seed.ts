// A user with at least one row in every table that has a user_id, for the ownership, erasure and export
// tests. `tablesWithUserId` reads the live schema: a table added by a migration and not seeded here makes
// those tests fail with its name, so a new kind of user data is never left out of erasure and export.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { toChannels } from '#shared/activities/sample-channels';
import type { Conn } from '#shared/db/connection';
import { issueRefreshToken } from '#shared/auth/refresh-tokens';

export interface SeededResources {
  userId: string;
  /** A string planted in free-text fields: it must never appear in another user's responses. */
  marker: string;
  activityId: string;
  planId: string;
  workoutId: string;
  notificationId: string;
  taskId: string;
  alertId: string;
  rejectionId: string;
  connectionId: string;
  vendorUserId: string;
  refreshToken: string;
}

export async function tablesWithUserId(db: Conn): Promise<string[]> {
  // The catalog, not information_schema: the same answer (tables, not views) in milliseconds rather than seconds on PGlite.
  const { rows } = await sql<{ table_name: string }>`
    select c.relname as table_name from pg_attribute a
    join pg_class c on c.oid = a.attrelid and c.relkind in ('r', 'p')
    where c.relnamespace = current_schema()::regnamespace and a.attname = 'user_id' and not a.attisdropped
    order by 1`.execute(db);
  return rows.map((r) => r.table_name);
}

export async function rowsOf(db: Conn, table: string, userId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where user_id = ${userId}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** One digest of everything the user owns: any change by anyone shows as a different value. */
export async function fingerprint(db: Conn, userId: string): Promise<string> {
  const parts: string[] = [];
  for (const table of await tablesWithUserId(db)) {
    const { rows } = await sql<{ d: string | null }>`
      select md5(string_agg(t::text, '|' order by t::text)) as d from ${sql.table(table)} t where user_id = ${userId}`.execute(db);
    parts.push(`${table}:${rows[0]?.d ?? '-'}`);
  }
  const user = await sql<{ d: string }>`select md5(u::text) as d from users u where id = ${userId}`.execute(db);
  parts.push(`users:${user.rows[0]?.d ?? '-'}`);
  return parts.join(',');
}

export async function seedEverything(db: Conn, userId: string, now = new Date('2026-03-10T08:00:00Z')): Promise<SeededResources> {
  const marker = `private-${userId.slice(0, 8)}`;
  const vendorUserId = `athlete-${userId.slice(0, 8)}`;

  const refresh = await issueRefreshToken(db, userId, now);
  await db.insertInto('failed_login_attempts').values({ user_id: userId, attempted_at: now }).execute();
  const connection = await db
    .insertInto('vendor_connections')
    .values({
      user_id: userId,
      vendor: 'strava',
      vendor_user_id: vendorUserId,
      access_token_ciphertext: 'sealed-access',
      refresh_token_ciphertext: 'sealed-refresh',
      scopes: ['activity:read_all'],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rejection = await db
    .insertInto('ingest_rejections')
    .values({
      user_id: userId,
      vendor: 'garmin',
      external_id: `g-${marker}`,
      reason: 'duration_out_of_range',
      payload_summary: JSON.stringify({ durationSeconds: 0 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const activity = await db
    .insertInto('activities')
    .values({
      user_id: userId,
      source: 'manual',
      type: 'run',
      start_time: '2026-03-09T06:30:00Z',
      local_date: '2026-03-09',
      duration_minutes: 45,
      distance_meters: 9000,
      avg_hr: 150,
      max_hr: 172,
      rpe: 6,
      internal_load: 270,
      notes: `notes ${marker}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('activity_samples')
    .values({
      user_id: userId,
      activity_id: activity.id,
      ...toChannels([0, 60, 120].map((offsetSeconds, i) => ({ offsetSeconds, hr: 140 + i, paceSecondsPerKm: 1000 / 3.2 }))),
    })
    .execute();
  await db.insertInto('daily_metrics').values({ user_id: userId, date: '2026-03-09', resting_hr: 48, hrv_rmssd: 62, sleep_duration_minutes: 450 }).execute();
  const plan = await db
    .insertInto('training_plans')
    .values({
      user_id: userId,
      goal_race_date: '2026-06-01',
      goal_distance_meters: 42195,
      start_date: '2026-03-01',
      days_per_week: 4,
      long_run_day: 'sun',
      experience: 'intermediate',
      load_basis_date: '2026-02-28',
      load_basis_acute: 150,
      load_basis_chronic: 140,
      load_basis_source: 'reported_volume',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const workout = await db
    .insertInto('scheduled_workouts')
    .values({ user_id: userId, plan_id: plan.id, date: '2026-03-11', type: 'easy', target_duration_minutes: 40, description: `easy ${marker}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('plan_changes')
    .values({
      user_id: userId,
      plan_id: plan.id,
      version: 1,
      trigger: 'onboarding',
      reason_code: 'plan_created',
      reason_message: `Plan created ${marker}`,
    })
    .execute();
  await db.insertInto('rolling_stats').values({ user_id: userId, date: '2026-03-09', load: 270, acute: 200, chronic: 150, acwr: 1.33, tsb: -50 }).execute();
  await db.insertInto('load_series').values({ user_id: userId, series_start: '2026-03-09', series_end: '2026-03-10' }).execute();
  const alert = await db
    .insertInto('risk_alerts')
    .values({ user_id: userId, kind: 'acwr', date: '2026-03-09', metrics: JSON.stringify({ acwr: 1.6, acute: 300, chronic: 187.5 }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task = await db
    .insertInto('pending_tasks')
    .values({ user_id: userId, kind: 'enter_rpe', activity_id: activity.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const notification = await db
    .insertInto('notifications')
    .values({
      user_id: userId,
      kind: 'risk_alert',
      title: `Load spike ${marker}`,
      body: 'Your acute load is high',
      data: JSON.stringify({ alertId: alert.id }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  // The change log and counter (sync_changes, sync_counters) are filled by the triggers of the rows above.
  await db
    .insertInto('sync_mutations')
    .values({
      user_id: userId,
      client_mutation_id: randomUUID(),
      entity: 'notification',
      op: 'read',
      entity_id: notification.id,
      status: 'applied',
      // The plain applied answer: its columns say it all (result_detail null).
      client_timestamp: now,
    })
    .execute();

  const seeded = await tablesWithUserId(db);
  const empty: string[] = [];
  for (const table of seeded) if ((await rowsOf(db, table, userId)) === 0) empty.push(table);
  if (empty.length > 0) {
    throw new Error(`test/support/seed.ts does not seed ${empty.join(', ')}: add a row there so erasure, export and ownership cover it`);
  }
  return {
    userId,
    marker,
    activityId: activity.id,
    planId: plan.id,
    workoutId: workout.id,
    notificationId: notification.id,
    taskId: task.id,
    alertId: alert.id,
    rejectionId: rejection.id,
    connectionId: connection.id,
    vendorUserId,
    refreshToken: refresh.token,
  };
}
