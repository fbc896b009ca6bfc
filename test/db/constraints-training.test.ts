// The database itself refuses impossible training rows (activities, samples, daily metrics, plans, load,
// tasks), whichever code path writes them (test/support/rows.ts makes the valid rows each case changes one
// thing in).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#shared/db/connection';
import { testDb, type TestDb } from '#test/support/db';
import { type Case, rejected, type Rows, rowFactories, twoOwners } from '#test/support/rows';

let t: TestDb;
let db: Db;
let newUser: Rows['newUser'];
let insert: Rows['insert'];
let user: string;
let otherUser: string;
let activity: string;
let otherActivity: string;
let plan: string;
let otherPlan: string;

beforeAll(async () => {
  t = await testDb();
  db = t.db;
  ({ newUser, insert } = rowFactories(db));
  ({ user, otherUser, activity, otherActivity, plan, otherPlan } = await twoOwners({ newUser, insert }));
});
afterAll(async () => {
  await t?.close();
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
