// Valid rows, one insert per table, for the constraint and structure tests (test/db/constraints-*.test.ts,
// test/db/schema-structure.test.ts): each case changes one thing in a row these make, and expects the
// constraint that refuses it by name.
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Db } from '#shared/db/connection';
import type {
  NewActivity,
  NewActivitySample,
  NewDailyMetrics,
  NewIngestRejection,
  NewNotification,
  NewPendingTask,
  NewRefreshToken,
  NewRiskAlert,
  NewRollingStats,
  NewScheduledWorkout,
  NewTrainingPlan,
  NewUser,
  NewVendorConnection,
} from '#shared/db/schema';

export const sha256Hex = (): string => createHash('sha256').update(randomUUID()).digest('hex');

/** One refused write: what the case is, the write, and the constraint that must refuse it. */
export type Case = [description: string, write: () => Promise<unknown>, constraint: string];

export async function rejected(write: Promise<unknown>, constraint: string): Promise<void> {
  await expect(write).rejects.toMatchObject({ constraint });
}

/** Inserts of a valid row per table into `db`; `values` overrides any column. */
export function rowFactories(db: Db) {
  let day = 0;
  /** A fresh calendar day per call, so (user, date) keys never collide by accident. */
  function nextDate(): string {
    return new Date(Date.UTC(2024, 0, 1 + day++)).toISOString().slice(0, 10);
  }

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

  return { newUser, insert };
}

export type Rows = ReturnType<typeof rowFactories>;

/** Two users, each with an activity and a plan: the rows the cases write against, and another user's to point at. */
export async function twoOwners({ newUser, insert }: Rows) {
  const user = await newUser();
  const otherUser = await newUser();
  return {
    user,
    otherUser,
    activity: await insert.activities(user),
    otherActivity: await insert.activities(otherUser),
    plan: await insert.trainingPlans(user),
    otherPlan: await insert.trainingPlans(otherUser),
  };
}
