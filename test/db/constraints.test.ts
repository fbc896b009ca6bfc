// The database itself refuses impossible data, whichever code path writes it, and erasing a user
// erases everything they own.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/connection';
import {
  columns,
  type NewActivity,
  type NewActivitySample,
  type NewDailyMetrics,
  type NewIngestRejection,
  type NewNotification,
  type NewPendingTask,
  type NewRefreshToken,
  type NewRiskAlert,
  type NewRollingStats,
  type NewScheduledWorkout,
  type NewTrainingPlan,
  type NewUser,
  type NewVendorConnection,
} from '../../shared/db/schema';
import { testDb, type TestDb } from '../support/db';

let t: TestDb;
let db: Db;

beforeAll(async () => {
  t = await testDb();
  db = t.db;
});
afterAll(async () => {
  await t?.close();
});

// ---- valid rows, one insert per table; each case below changes one thing ---------------------------

let day = 0;
/** A fresh calendar day per call, so (user, date) keys never collide by accident. */
function nextDate(): string {
  return new Date(Date.UTC(2024, 0, 1 + day++)).toISOString().slice(0, 10);
}
const sha256Hex = () => createHash('sha256').update(randomUUID()).digest('hex');

async function newUser(values: Partial<NewUser> = {}): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.com`, password_hash: '$scrypt$x', time_zone: 'Europe/Paris', ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const insert = {
  users: newUser,
  refreshTokens: async (userId: string, values: Partial<NewRefreshToken> = {}) =>
    (
      await db
        .insertInto('refresh_tokens')
        .values({
          user_id: userId,
          family_id: randomUUID(),
          token_hash: sha256Hex(),
          expires_at: new Date(Date.now() + 30 * 86_400_000),
          ...values,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  vendorConnections: (userId: string, values: Partial<NewVendorConnection> = {}) =>
    db
      .insertInto('vendor_connections')
      .values({
        user_id: userId,
        vendor: 'strava',
        vendor_user_id: randomUUID(),
        access_token_ciphertext: 'v1:ciphertext',
        refresh_token_ciphertext: 'v1:ciphertext',
        expires_at: new Date(Date.now() + 6 * 3_600_000),
        scopes: ['read', 'activity:read_all'],
        ...values,
      })
      .execute(),
  ingestRejections: (userId: string, values: Partial<NewIngestRejection> = {}) =>
    db
      .insertInto('ingest_rejections')
      .values({ user_id: userId, vendor: 'garmin', external_id: '123', reason: 'duration is 0', ...values })
      .execute(),
  activities: async (userId: string, values: Partial<NewActivity> = {}) =>
    (
      await db
        .insertInto('activities')
        .values({
          user_id: userId,
          source: 'garmin',
          external_id: randomUUID(),
          type: 'run',
          start_time: '2024-05-19T09:02:11Z',
          local_date: '2024-05-19',
          utc_offset_minutes: 120,
          duration_minutes: 60,
          distance_meters: 10_000,
          avg_hr: 150,
          max_hr: 175,
          elevation_gain_meters: 50,
          rpe: 7,
          feeling: 4,
          internal_load: 420,
          trimp: 110,
          ...values,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  activitySamples: (userId: string, activityId: string, values: Partial<NewActivitySample> = {}) =>
    db
      .insertInto('activity_samples')
      .values({ user_id: userId, activity_id: activityId, seconds: 2, hr: [140, null], speed_mps: [3.2, 3.3], ...values })
      .execute(),
  dailyMetrics: (userId: string, values: Partial<NewDailyMetrics> = {}) =>
    db
      .insertInto('daily_metrics')
      .values({
        user_id: userId,
        date: nextDate(),
        resting_hr: 48,
        hrv_rmssd: 61,
        hrv_sdnn_ms: 71.4,
        weight_kg: 62,
        sleep_duration_minutes: 452,
        sleep_quality: 7,
        sleep_index: 82,
        morning_readiness: 7,
        soreness: 3,
        stress: 4,
        mood: 8,
        readiness_light: 'green',
        readiness_reasons: JSON.stringify([]),
        ...values,
      })
      .execute(),
  trainingPlans: async (userId: string, values: Partial<NewTrainingPlan> = {}) =>
    (
      await db
        .insertInto('training_plans')
        .values({
          user_id: userId,
          goal_race_date: '2024-10-13',
          goal_distance_meters: 42_195,
          start_date: '2024-06-03',
          status: 'completed',
          phases: JSON.stringify([{ name: 'base', startDate: '2024-06-03', endDate: '2024-07-28' }]),
          days_per_week: 4,
          long_run_day: 'sun',
          experience: 'intermediate',
          load_basis_date: '2024-06-02',
          load_basis_acute: 200,
          load_basis_chronic: 190,
          load_basis_source: 'history',
          ...values,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  scheduledWorkouts: (userId: string, planId: string, values: Partial<NewScheduledWorkout> = {}) =>
    db
      .insertInto('scheduled_workouts')
      .values({
        user_id: userId,
        plan_id: planId,
        date: '2024-06-04',
        type: 'easy',
        target_duration_minutes: 45,
        target_rpe: 4,
        zone: 2,
        description: '45 min easy',
        ...values,
      })
      .execute(),
  rollingStats: (userId: string, values: Partial<NewRollingStats> = {}) =>
    db
      .insertInto('rolling_stats')
      .values({
        user_id: userId,
        date: nextDate(),
        load: 420,
        acute: 300,
        chronic: 250,
        acwr: 1.2,
        tsb: -50,
        week_load: 1950,
        monotony: 1.4,
        strain: 2730,
        ...values,
      })
      .execute(),
  riskAlerts: (userId: string, values: Partial<NewRiskAlert> = {}) =>
    db
      .insertInto('risk_alerts')
      .values({
        user_id: userId,
        kind: 'acwr',
        date: nextDate(),
        metrics: JSON.stringify({ acwr: 1.61, acute: 708.8, chronic: 441.3 }),
        ...values,
      })
      .execute(),
  pendingTasks: (userId: string, activityId: string, values: Partial<NewPendingTask> = {}) =>
    db
      .insertInto('pending_tasks')
      .values({ user_id: userId, kind: 'enter_rpe', activity_id: activityId, ...values })
      .execute(),
  notifications: (userId: string, values: Partial<NewNotification> = {}) =>
    db
      .insertInto('notifications')
      .values({
        user_id: userId,
        kind: 'risk_alert',
        title: 'Load spike',
        body: 'Your acute load is well above your chronic load.',
        data: JSON.stringify({ alertId: randomUUID() }),
        ...values,
      })
      .execute(),
};

async function rejected(write: Promise<unknown>, constraint: string): Promise<void> {
  await expect(write).rejects.toMatchObject({ constraint });
}

// ---- fixtures shared by the single-change cases ---------------------------------------------------

let user: string;
let otherUser: string;
let activity: string;
let otherActivity: string;
let plan: string;
let otherPlan: string;

beforeAll(async () => {
  user = await newUser();
  otherUser = await newUser();
  activity = await insert.activities(user);
  otherActivity = await insert.activities(otherUser);
  plan = await insert.trainingPlans(user);
  otherPlan = await insert.trainingPlans(otherUser);
});

type Case = [description: string, write: () => Promise<unknown>, constraint: string];

describe('the valid rows the cases start from', () => {
  it('are accepted in every table', async () => {
    await insert.refreshTokens(user);
    await insert.vendorConnections(user);
    await insert.ingestRejections(user);
    await insert.activitySamples(user, activity);
    await insert.dailyMetrics(user);
    await insert.scheduledWorkouts(user, plan);
    await insert.rollingStats(user);
    await insert.riskAlerts(user);
    await insert.pendingTasks(user, activity);
    await insert.notifications(user);
  });
});

describe('users', () => {
  const cases: Case[] = [
    ['an email with capitals', () => insert.users({ email: 'Runner@Example.com' }), 'users_email_lower_case_check'],
    ['an email that is no address', () => insert.users({ email: 'runner' }), 'users_email_format_check'],
    ['no credential at all', () => insert.users({ password_hash: null }), 'users_credential_check'],
    ['a blank time zone', () => insert.users({ time_zone: ' ' }), 'users_time_zone_check'],
    ['an unknown sex', () => insert.users({ sex: 'other' as never }), 'users_sex_check'],
    ['unknown units', () => insert.users({ preferred_units: 'furlongs' as never }), 'users_preferred_units_check'],
    ['a weight of 20 kg', () => insert.users({ weight_kg: 20 }), 'users_weight_kg_check'],
    ['a height of 300 cm', () => insert.users({ height_cm: 300 }), 'users_height_cm_check'],
    ['a max HR of 250', () => insert.users({ max_hr: 250 }), 'users_max_hr_check'],
    ['a resting HR of 130', () => insert.users({ resting_hr: 130 }), 'users_resting_hr_check'],
    ['an HRV baseline of 0 ms', () => insert.users({ hrv_rmssd: 0 }), 'users_hrv_rmssd_check'],
    ['a threshold HR above max HR', () => insert.users({ resting_hr: 50, lactate_threshold_hr: 195, max_hr: 190 }), 'users_hr_order_check'],
    ['a resting HR equal to max HR', () => insert.users({ resting_hr: 120, max_hr: 120 }), 'users_hr_order_check'],
    ['a week starting on day 8', () => insert.users({ week_start_day: 8 }), 'users_week_start_day_check'],
    ['a responder class without its date and evidence', () => insert.users({ responder_classification: 'high' }), 'users_responder_judged_check'],
    [
      "the retired 'average' responder class",
      () => insert.users({ responder_classification: 'average' as never, responder_updated_at: new Date(), responder_evidence: '{}' }),
      'users_responder_classification_check',
    ],
    ['notification preferences that are not an object', () => insert.users({ notification_preferences: '[]' }), 'users_notification_preferences_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('holds an address once, whatever its case: a second one in other case is not lower case', async () => {
    await insert.users({ email: 'runner@example.com' });
    await rejected(insert.users({ email: 'runner@example.com' }), 'users_email_key');
    await rejected(insert.users({ email: 'Runner@Example.com' }), 'users_email_lower_case_check');
  });

  it('links an Apple account to one user only', async () => {
    await insert.users({ password_hash: null, apple_sub: 'apple-001' });
    await rejected(insert.users({ password_hash: null, apple_sub: 'apple-001' }), 'users_apple_sub_key');
  });
});

describe('refresh_tokens', () => {
  const cases: Case[] = [
    ['a token stored in clear', () => insert.refreshTokens(user, { token_hash: 'dGhpcyBpcyBhIHJhdyB0b2tlbg' }), 'refresh_tokens_token_hash_check'],
    ['an expiry before issue', () => insert.refreshTokens(user, { expires_at: '2020-01-01T00:00:00Z' }), 'refresh_tokens_expires_at_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('rejects a hash stored twice', async () => {
    const token_hash = sha256Hex();
    await insert.refreshTokens(user, { token_hash });
    await rejected(insert.refreshTokens(user, { token_hash }), 'refresh_tokens_token_hash_key');
  });

  it('chains a rotation only after use and only within one user', async () => {
    const next = await insert.refreshTokens(user);
    await rejected(insert.refreshTokens(user, { replaced_by: next }), 'refresh_tokens_replaced_by_check');
    await rejected(insert.refreshTokens(otherUser, { replaced_by: next, used_at: new Date() }), 'refresh_tokens_replaced_by_fkey');
    await insert.refreshTokens(user, { replaced_by: next, used_at: new Date() });
    await rejected(insert.refreshTokens(user, { replaced_by: next, used_at: new Date() }), 'refresh_tokens_replaced_by_key');
  });
});

describe('vendor_connections', () => {
  const cases: Case[] = [
    ['an unknown vendor', () => insert.vendorConnections(user, { vendor: 'polar' as never }), 'vendor_connections_vendor_check'],
    [
      'a disconnected link that keeps its tokens',
      () => insert.vendorConnections(user, { status: 'disconnected', disconnected_at: new Date() }),
      'vendor_connections_tokens_check',
    ],
    [
      'a disconnected link without its date',
      () =>
        insert.vendorConnections(user, {
          status: 'disconnected',
          access_token_ciphertext: null,
          refresh_token_ciphertext: null,
        }),
      'vendor_connections_disconnected_at_check',
    ],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('links one vendor account to one user, and one account per vendor to a user', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await insert.vendorConnections(a, { vendor: 'garmin', vendor_user_id: 'g-42' });
    await rejected(insert.vendorConnections(b, { vendor: 'garmin', vendor_user_id: 'g-42' }), 'vendor_connections_vendor_user_id_key');
    await rejected(insert.vendorConnections(a, { vendor: 'garmin' }), 'vendor_connections_user_id_vendor_key');
    await insert.vendorConnections(b, { vendor: 'strava', vendor_user_id: 'g-42' });
  });
});

describe('ingest_rejections', () => {
  const cases: Case[] = [
    ['an unknown vendor', () => insert.ingestRejections(user, { vendor: 'manual' as never }), 'ingest_rejections_vendor_check'],
    ['an empty reason', () => insert.ingestRejections(user, { reason: '' }), 'ingest_rejections_reason_check'],
    ['a summary that is not an object', () => insert.ingestRejections(user, { payload_summary: '[1]' }), 'ingest_rejections_payload_summary_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));
});

describe('activities', () => {
  const cases: Case[] = [
    ['an average HR of 400', () => insert.activities(user, { avg_hr: 400, max_hr: null }), 'activities_avg_hr_check'],
    ['a max HR of 400', () => insert.activities(user, { max_hr: 400 }), 'activities_max_hr_check'],
    ['an average HR of 20', () => insert.activities(user, { avg_hr: 20 }), 'activities_avg_hr_check'],
    ['an average HR above the max', () => insert.activities(user, { avg_hr: 180, max_hr: 170 }), 'activities_hr_order_check'],
    ['RPE 11', () => insert.activities(user, { rpe: 11 }), 'activities_rpe_check'],
    ['RPE 0', () => insert.activities(user, { rpe: 0 }), 'activities_rpe_check'],
    ['feeling 6', () => insert.activities(user, { feeling: 6 }), 'activities_feeling_check'],
    ['a negative duration', () => insert.activities(user, { duration_minutes: -60 }), 'activities_duration_minutes_check'],
    ['a zero duration', () => insert.activities(user, { duration_minutes: 0 }), 'activities_duration_minutes_check'],
    ['a duration over 24 h', () => insert.activities(user, { duration_minutes: 1441 }), 'activities_duration_minutes_check'],
    ['a negative distance', () => insert.activities(user, { distance_meters: -1 }), 'activities_distance_meters_check'],
    ['a NaN distance', () => insert.activities(user, { distance_meters: Number.NaN }), 'activities_distance_meters_check'],
    ['a negative elevation gain', () => insert.activities(user, { elevation_gain_meters: -5 }), 'activities_elevation_gain_meters_check'],
    ['an infinite TRIMP', () => insert.activities(user, { trimp: Number.POSITIVE_INFINITY }), 'activities_trimp_check'],
    ['a load above 24 h x RPE 10', () => insert.activities(user, { internal_load: 14_401 }), 'activities_internal_load_check'],
    ['an unknown type', () => insert.activities(user, { type: 'swim' as never }), 'activities_type_check'],
    ['an unknown source', () => insert.activities(user, { source: 'polar' as never }), 'activities_source_check'],
    ['a vendor activity without its id', () => insert.activities(user, { external_id: null }), 'activities_vendor_external_id_check'],
    ['a local date three days from the start', () => insert.activities(user, { local_date: '2024-05-22' }), 'activities_local_date_check'],
    ['an offset beyond UTC+14', () => insert.activities(user, { utc_offset_minutes: 900 }), 'activities_utc_offset_minutes_check'],
    ["a duplicate of another user's activity", () => insert.activities(user, { duplicate_of: otherActivity }), 'activities_duplicate_of_fkey'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('rejects an activity without a local date', async () => {
    await expect(insert.activities(user, { local_date: null as never })).rejects.toMatchObject({
      code: '23502',
      column: 'local_date',
    });
  });

  it('rejects a duplicate of itself', async () => {
    const id = randomUUID();
    await rejected(insert.activities(user, { id, duplicate_of: id }), 'activities_duplicate_of_check');
  });

  it('stores one activity per (user, source, external id)', async () => {
    await insert.activities(user, { source: 'strava', external_id: '11617326587' });
    await rejected(insert.activities(user, { source: 'strava', external_id: '11617326587' }), 'activities_external_id_key');
    // The same number from another vendor, or for another athlete, is another activity.
    await insert.activities(user, { source: 'garmin', external_id: '11617326587' });
    await insert.activities(otherUser, { source: 'strava', external_id: '11617326587' });
  });

  it('accepts a manual entry without an external id, as often as it comes', async () => {
    await insert.activities(user, { source: 'manual', external_id: null });
    await insert.activities(user, { source: 'manual', external_id: null });
  });
});

describe('activity_samples', () => {
  const cases: Case[] = [
    ['an HR of 400', () => insert.activitySamples(user, activity, { hr: [140, 400] }), 'activity_samples_hr_check'],
    ['a cadence of 400', () => insert.activitySamples(user, activity, { cadence: [null, 400] }), 'activity_samples_cadence_check'],
    ['a negative speed', () => insert.activitySamples(user, activity, { speed_mps: [3.2, -1] }), 'activity_samples_speed_mps_check'],
    ['samples without any channel', () => insert.activitySamples(user, activity, { hr: null, speed_mps: null }), 'activity_samples_values_check'],
    ["a sample on another user's activity", () => insert.activitySamples(user, otherActivity), 'activity_samples_activity_id_fkey'],
    ['a channel of only gaps', () => insert.activitySamples(user, activity, { hr: [null, null] }), 'activity_samples_hr_check'],
    ['a channel longer than the others', () => insert.activitySamples(user, activity, { power_w: [200, 210, 220] }), 'activity_samples_power_w_check'],
    ['an empty channel', () => insert.activitySamples(user, activity, { cadence: [] }), 'activity_samples_cadence_check'],
    [
      'a channel not starting at index 1',
      () => sql`insert into activity_samples (user_id, activity_id, seconds, hr) values (${user}, ${activity}, 2, '[0:1]={140,141}')`.execute(db),
      'activity_samples_hr_check',
    ],
    [
      'more than 24 h at 1 Hz',
      () => insert.activitySamples(user, activity, { seconds: 86_402, hr: new Array<number>(86_402).fill(140), speed_mps: null }),
      'activity_samples_seconds_check',
    ],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('holds one row per activity, 24 h at 1 Hz at most', async () => {
    const full = await insert.activities(user, { source: 'manual', external_id: null });
    await insert.activitySamples(user, full, { seconds: 86_401, hr: new Array<number>(86_401).fill(140), speed_mps: null });
    await rejected(insert.activitySamples(user, full), 'activity_samples_pkey');
  });
});

describe('daily_metrics', () => {
  const cases: Case[] = [
    ['a resting HR of 20', () => insert.dailyMetrics(user, { resting_hr: 20 }), 'daily_metrics_resting_hr_check'],
    ['an rMSSD of 0', () => insert.dailyMetrics(user, { hrv_rmssd: 0 }), 'daily_metrics_hrv_rmssd_check'],
    ['an rMSSD of 600', () => insert.dailyMetrics(user, { hrv_rmssd: 600 }), 'daily_metrics_hrv_rmssd_check'],
    ['an SDNN of 0', () => insert.dailyMetrics(user, { hrv_sdnn_ms: 0 }), 'daily_metrics_hrv_sdnn_ms_check'],
    ['a weight of 400 kg', () => insert.dailyMetrics(user, { weight_kg: 400 }), 'daily_metrics_weight_kg_check'],
    ['1500 minutes of sleep', () => insert.dailyMetrics(user, { sleep_duration_minutes: 1500 }), 'daily_metrics_sleep_duration_minutes_check'],
    ['negative sleep', () => insert.dailyMetrics(user, { sleep_duration_minutes: -1 }), 'daily_metrics_sleep_duration_minutes_check'],
    ['sleep quality 11', () => insert.dailyMetrics(user, { sleep_quality: 11 }), 'daily_metrics_sleep_quality_check'],
    ['a sleep index of 101', () => insert.dailyMetrics(user, { sleep_index: 101 }), 'daily_metrics_sleep_index_check'],
    ['morning readiness 0', () => insert.dailyMetrics(user, { morning_readiness: 0 }), 'daily_metrics_morning_readiness_check'],
    ['soreness 11', () => insert.dailyMetrics(user, { soreness: 11 }), 'daily_metrics_soreness_check'],
    ['stress 11', () => insert.dailyMetrics(user, { stress: 11 }), 'daily_metrics_stress_check'],
    ['mood 0', () => insert.dailyMetrics(user, { mood: 0 }), 'daily_metrics_mood_check'],
    ['a blue light', () => insert.dailyMetrics(user, { readiness_light: 'blue' as never }), 'daily_metrics_readiness_light_check'],
    ['reasons that are not a list', () => insert.dailyMetrics(user, { readiness_reasons: '{}' }), 'daily_metrics_readiness_reasons_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('holds one row per user and day', async () => {
    await insert.dailyMetrics(user, { date: '2023-03-01' });
    await rejected(insert.dailyMetrics(user, { date: '2023-03-01' }), 'daily_metrics_pkey');
  });
});

describe('training_plans and scheduled_workouts', () => {
  const cases: Case[] = [
    ['a plan that starts after its race', () => insert.trainingPlans(user, { start_date: '2024-11-01' }), 'training_plans_dates_check'],
    ['a race of 0 m', () => insert.trainingPlans(user, { goal_distance_meters: 0 }), 'training_plans_goal_distance_meters_check'],
    ['phases that are not a list', () => insert.trainingPlans(user, { phases: '{}' }), 'training_plans_phases_check'],
    ['version 0', () => insert.trainingPlans(user, { version: 0 }), 'training_plans_version_check'],
    ['2 running days a week', () => insert.trainingPlans(user, { days_per_week: 2 }), 'training_plans_days_per_week_check'],
    [
      'the long run on an unavailable day',
      () => insert.trainingPlans(user, { long_run_day: 'sun', unavailable_days: ['sat', 'sun'] }),
      'training_plans_long_run_day_available_check',
    ],
    [
      'an unavailable day that is no weekday',
      () => insert.trainingPlans(user, { unavailable_days: ['funday' as never] }),
      'training_plans_unavailable_days_check',
    ],
    [
      'a workout removed before it was created',
      () => insert.scheduledWorkouts(user, plan, { created_in_version: 2, removed_in_version: 2 }),
      'scheduled_workouts_removed_in_version_check',
    ],
    [
      'a completed workout removed from the plan',
      () => insert.scheduledWorkouts(user, plan, { state: 'completed', completed_activity_id: activity, removed_in_version: 2 }),
      'scheduled_workouts_removed_in_version_check',
    ],
    [
      'two change-log rows for one version',
      async () => {
        const row = { user_id: user, plan_id: plan, version: 7, trigger: 'regenerate' as const, reason_code: 'athlete_request', reason_message: 'Rebuilt' };
        await db.insertInto('plan_changes').values(row).execute();
        await db.insertInto('plan_changes').values(row).execute();
      },
      'plan_changes_plan_id_version_key',
    ],
    [
      "a change log of another user's plan",
      () =>
        db
          .insertInto('plan_changes')
          .values({ user_id: user, plan_id: otherPlan, version: 1, trigger: 'onboarding', reason_code: 'plan_created', reason_message: 'x' })
          .execute(),
      'plan_changes_plan_id_fkey',
    ],
    ['an unknown state', () => insert.scheduledWorkouts(user, plan, { state: 'done' as never }), 'scheduled_workouts_state_check'],
    ['zone 6', () => insert.scheduledWorkouts(user, plan, { zone: 6 }), 'scheduled_workouts_zone_check'],
    ['target RPE 11', () => insert.scheduledWorkouts(user, plan, { target_rpe: 11 }), 'scheduled_workouts_target_rpe_check'],
    [
      'a planned workout linked to an activity',
      () => insert.scheduledWorkouts(user, plan, { completed_activity_id: activity }),
      'scheduled_workouts_completed_activity_id_check',
    ],
    [
      "a workout completed by another user's activity",
      () => insert.scheduledWorkouts(user, plan, { state: 'completed', completed_activity_id: otherActivity }),
      'scheduled_workouts_completed_activity_id_fkey',
    ],
    ["a workout in another user's plan", () => insert.scheduledWorkouts(user, otherPlan), 'scheduled_workouts_plan_id_fkey'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('keeps one active plan per user', async () => {
    const runner = await newUser();
    await insert.trainingPlans(runner, { status: 'active' });
    await rejected(insert.trainingPlans(runner, { status: 'active' }), 'training_plans_one_active_idx');
    await insert.trainingPlans(runner, { status: 'cancelled' });
  });

  it('lets one activity complete one workout only', async () => {
    const run = await insert.activities(user);
    await insert.scheduledWorkouts(user, plan, { state: 'completed', completed_activity_id: run });
    await rejected(insert.scheduledWorkouts(user, plan, { state: 'completed', completed_activity_id: run }), 'scheduled_workouts_completed_activity_idx');
  });
});

describe('rolling_stats and risk_alerts', () => {
  const cases: Case[] = [
    ['a negative load', () => insert.rollingStats(user, { load: -1 }), 'rolling_stats_load_check'],
    ['a NaN acute load', () => insert.rollingStats(user, { acute: Number.NaN }), 'rolling_stats_acute_check'],
    ['an infinite ACWR', () => insert.rollingStats(user, { acwr: Number.POSITIVE_INFINITY }), 'rolling_stats_acwr_check'],
    ['a TSB of minus infinity', () => insert.rollingStats(user, { tsb: Number.NEGATIVE_INFINITY }), 'rolling_stats_tsb_check'],
    ['a negative monotony', () => insert.rollingStats(user, { monotony: -0.5 }), 'rolling_stats_monotony_check'],
    ['an unknown alert kind', () => insert.riskAlerts(user, { kind: 'hrv' as never }), 'risk_alerts_kind_check'],
    ['alert numbers that are not an object', () => insert.riskAlerts(user, { metrics: '[1.6]' }), 'risk_alerts_metrics_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('holds one stats row per user and day', async () => {
    await insert.rollingStats(user, { date: '2023-04-01' });
    await rejected(insert.rollingStats(user, { date: '2023-04-01' }), 'rolling_stats_pkey');
  });

  it('keeps a load series start no later than its end, both known or both unknown', async () => {
    const runner = await newUser();
    const series = (series_start: string | null, series_end: string | null) =>
      db.insertInto('load_series').values({ user_id: runner, series_start, series_end }).execute();
    await rejected(series('2024-05-20', '2024-05-19'), 'load_series_dates_check');
    await rejected(series('2024-05-20', null), 'load_series_dates_check');
    await series(null, null);
  });

  it('raises an alert of one kind once per user and day', async () => {
    await insert.riskAlerts(user, { kind: 'acwr', date: '2023-05-01' });
    await rejected(insert.riskAlerts(user, { kind: 'acwr', date: '2023-05-01' }), 'risk_alerts_user_id_kind_date_key');
    await insert.riskAlerts(user, { kind: 'monotony', date: '2023-05-01' });
  });
});

describe('pending_tasks', () => {
  const cases: Case[] = [
    ['an RPE task without its activity', () => insert.pendingTasks(user, activity, { activity_id: null }), 'pending_tasks_activity_id_check'],
    ['a done task without its date', () => insert.pendingTasks(user, activity, { status: 'done' }), 'pending_tasks_resolved_at_check'],
    ['an unknown status', () => insert.pendingTasks(user, activity, { status: 'closed' as never, resolved_at: new Date() }), 'pending_tasks_status_check'],
    ["a task on another user's activity", () => insert.pendingTasks(user, otherActivity), 'pending_tasks_activity_id_fkey'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('keeps one open enter_rpe task per activity; once done, a new one may open', async () => {
    const run = await insert.activities(user);
    await insert.pendingTasks(user, run);
    await rejected(insert.pendingTasks(user, run), 'pending_tasks_one_open_idx');
    await db.updateTable('pending_tasks').set({ status: 'done', resolved_at: new Date() }).where('activity_id', '=', run).execute();
    await insert.pendingTasks(user, run);
  });
});

describe('notifications', () => {
  const cases: Case[] = [
    ['a blank title', () => insert.notifications(user, { title: '  ' }), 'notifications_title_check'],
    ['an unknown kind', () => insert.notifications(user, { kind: 'spam' as never }), 'notifications_kind_check'],
    ['data that is not an object', () => insert.notifications(user, { data: '[]' }), 'notifications_data_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('sends a notification with a dedupe key once per user', async () => {
    await insert.notifications(user, { dedupe_key: 'risk_alert:2024-04-18' });
    await rejected(insert.notifications(user, { dedupe_key: 'risk_alert:2024-04-18' }), 'notifications_user_id_dedupe_key_key');
    await insert.notifications(otherUser, { dedupe_key: 'risk_alert:2024-04-18' });
  });
});

// ---- structure: ownership, erasure, indexes -------------------------------------------------------

async function userOwnedTables(): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'user_id'
    order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

async function countRows(table: string, userId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} where user_id = ${userId}`.execute(db);
  return rows[0]?.n ?? 0;
}

/** A user with at least one row in every table that has a user_id. */
async function seedEverything(): Promise<string> {
  const id = await newUser();
  const token = await insert.refreshTokens(id);
  await insert.refreshTokens(id, { replaced_by: token, used_at: new Date() });
  await db.insertInto('failed_login_attempts').values({ user_id: id }).execute();
  await insert.vendorConnections(id);
  await insert.ingestRejections(id);
  const run = await insert.activities(id, { source: 'garmin' });
  await insert.activities(id, { source: 'strava', duplicate_of: run });
  await insert.activitySamples(id, run);
  await insert.dailyMetrics(id);
  const plan = await insert.trainingPlans(id, { status: 'active' });
  await insert.scheduledWorkouts(id, plan, { state: 'completed', completed_activity_id: run });
  await db
    .insertInto('plan_changes')
    .values({ user_id: id, plan_id: plan, version: 1, trigger: 'onboarding', reason_code: 'plan_created', reason_message: 'Plan created' })
    .execute();
  await insert.rollingStats(id);
  await insert.riskAlerts(id);
  await db.insertInto('load_series').values({ user_id: id, series_start: '2024-05-19', series_end: '2024-05-20' }).execute();
  await insert.pendingTasks(id, run);
  await insert.notifications(id);
  // sync_changes and sync_counters are filled by the triggers of the rows above; a stored offline answer too.
  await db
    .insertInto('sync_mutations')
    .values({
      user_id: id,
      client_mutation_id: randomUUID(),
      entity: 'task',
      op: 'skip',
      status: 'applied',
      result: JSON.stringify({ status: 'applied' }),
      client_timestamp: '2024-05-20T08:00:00Z',
    })
    .execute();
  return id;
}

describe('erasure', () => {
  it('deleting a user deletes their rows in every user-owned table, and nobody else’s', async () => {
    const leaving = await seedEverything();
    const staying = await seedEverything();
    const tables = await userOwnedTables();
    // Everything but the users table itself belongs to a user, and the event outbox: infrastructure whose
    // rows live for the moment between a commit and its PutEvents (migration 0004).
    expect(tables).toEqual(
      Object.keys(columns)
        .filter((table) => table !== 'users' && table !== 'event_outbox')
        .sort(),
    );

    for (const table of tables) {
      // The seed must reach every user-owned table, or this test would prove nothing for it.
      const rows = await countRows(table, leaving);
      expect({ table, seeded: rows > 0 }).toEqual({ table, seeded: true });
    }
    const staysBefore = await Promise.all(tables.map((table) => countRows(table, staying)));

    await db.deleteFrom('users').where('id', '=', leaving).execute();

    for (const table of tables) expect({ table, left: await countRows(table, leaving) }).toEqual({ table, left: 0 });
    expect(await Promise.all(tables.map((table) => countRows(table, staying)))).toEqual(staysBefore);
  });

  it('deleting an activity drops its samples and tasks, and unlinks its workout and its duplicates', async () => {
    const runner = await newUser();
    const run = await insert.activities(runner, { source: 'garmin' });
    const copy = await insert.activities(runner, { source: 'strava', duplicate_of: run });
    await insert.activitySamples(runner, run);
    await insert.pendingTasks(runner, run);
    const plan = await insert.trainingPlans(runner);
    await insert.scheduledWorkouts(runner, plan, { state: 'completed', completed_activity_id: run });

    await db.deleteFrom('activities').where('id', '=', run).execute();

    expect(await countRows('activity_samples', runner)).toBe(0);
    expect(await countRows('pending_tasks', runner)).toBe(0);
    const workout = await db
      .selectFrom('scheduled_workouts')
      .select(['state', 'completed_activity_id'])
      .where('user_id', '=', runner)
      .executeTakeFirstOrThrow();
    expect(workout).toEqual({ state: 'completed', completed_activity_id: null });
    const survivor = await db.selectFrom('activities').select('duplicate_of').where('id', '=', copy).executeTakeFirstOrThrow();
    expect(survivor.duplicate_of).toBeNull();
  });

  it('every user_id is not null and references users on delete cascade', async () => {
    const { rows } = await sql<{ table_name: string; not_null: boolean; cascades: boolean }>`
      select cl.relname as table_name, a.attnotnull as not_null,
        exists (
          select 1 from pg_constraint co
          where co.conrelid = cl.oid and co.contype = 'f' and co.confrelid = 'users'::regclass
            and co.conkey = array[a.attnum] and co.confdeltype = 'c'
        ) as cascades
      from pg_attribute a
      join pg_class cl on cl.oid = a.attrelid and cl.relkind = 'r'
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      where a.attname = 'user_id' and not a.attisdropped
      order by 1`.execute(db);
    expect(rows.length).toBe((await userOwnedTables()).length);
    for (const row of rows) expect(row).toEqual({ table_name: row.table_name, not_null: true, cascades: true });
  });
});

describe('indexes', () => {
  it('every foreign key is backed by an index that leads with its columns', async () => {
    const { rows } = await sql<{ name: string; table_name: string; backed: boolean }>`
      select co.conname as name, cl.relname as table_name,
        exists (
          select 1 from pg_index i
          where i.indrelid = co.conrelid
            and (select array_agg(k order by k) from unnest((i.indkey::int2[])[0:cardinality(co.conkey) - 1]) k)
              = (select array_agg(k order by k) from unnest(co.conkey) k)
        ) as backed
      from pg_constraint co
      join pg_class cl on cl.oid = co.conrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      where co.contype = 'f'
      order by 1`.execute(db);
    expect(rows.length).toBeGreaterThan(14);
    expect(rows.filter((r) => !r.backed).map((r) => r.name)).toEqual([]);
  });

  it('every user-owned table has an index leading with user_id', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select distinct cl.relname as table_name
      from pg_index i
      join pg_class cl on cl.oid = i.indrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      join pg_attribute a on a.attrelid = cl.oid and a.attnum = i.indkey[0]
      where a.attname = 'user_id'
      order by 1`.execute(db);
    expect(rows.map((r) => r.table_name)).toEqual(await userOwnedTables());
  });
});

describe('updated_at', () => {
  it('moves forward on every update without the caller setting it', async () => {
    const id = await newUser({ created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' });
    await db.updateTable('users').set({ weight_kg: 63 }).where('id', '=', id).execute();
    const row = await db.selectFrom('users').select(['created_at', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.created_at.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(row.updated_at.getTime()).toBeGreaterThan(Date.parse('2024-01-01'));
  });
});
