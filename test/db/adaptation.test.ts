// The adaptive brain against a real database: each trigger writes one plan version with its change-log row and
// notification, a redelivered event changes nothing twice, and the athlete can put an adapted workout back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreWorkout, listPlanChanges } from '#shared/adaptation/restore';
import { adaptToMissedWorkout, adaptToRiskAlert, adaptToTodaysReadiness } from '#shared/adaptation/service';
import { createActivity } from '#shared/activities/service';
import { sweepPastWorkouts } from '#shared/adaptation/sweep';
import { addDays, isoWeekday } from '#shared/domain/dates';
import { HARD_WORKOUT_TYPES } from '#shared/domain/plan';
import { computeLoadSeries, continueLoadSeries } from '#shared/domain/load';
import { DetailType } from '#shared/events/catalogue';
import { Conflict, NotFound } from '#shared/errors';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { RecordingPublisher } from '#test/support/metrics';
import { seedPlan } from '#test/support/plans';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

// Wednesday 2027-03-10, 07:00 in Berlin.
const TODAY = '2027-03-10';
const MORNING = new Date('2027-03-10T06:00:00Z');
const d = (n: number) => addDays(TODAY, n);

async function athlete(prefs: Record<string, boolean> = {}) {
  const user = await createTestUser(t.db, { time_zone: 'Europe/Berlin', notification_preferences: JSON.stringify(prefs) });
  const plan = await seedPlan(t.db, user.userId, {
    start: d(-10),
    raceDate: d(60),
    workouts: [
      { date: d(-1), type: 'easy', minutes: 40 },
      { date: d(0), type: 'easy', minutes: 50 },
      { date: d(1), type: 'interval', minutes: 60 },
      { date: d(3), type: 'tempo', minutes: 50 },
      { date: d(4), type: 'easy', minutes: 45 },
      { date: d(5), type: 'long_run', minutes: 110 },
      { date: d(8), type: 'interval', minutes: 60 },
    ],
  });
  return { ...user, ...plan };
}

const light = (userId: string, date: string, readiness: 'green' | 'yellow' | 'red') =>
  t.db
    .insertInto('daily_metrics')
    .values({ user_id: userId, date, readiness_light: readiness })
    .onConflict((oc) => oc.columns(['user_id', 'date']).doUpdateSet({ readiness_light: readiness }))
    .execute();

const workoutsOf = (userId: string) =>
  t.db.selectFrom('scheduled_workouts').selectAll().where('user_id', '=', userId).where('removed_in_version', 'is', null).orderBy('date').execute();
const notificationsOf = (userId: string) =>
  t.db.selectFrom('notifications').select(['kind', 'title', 'body']).where('user_id', '=', userId).where('kind', '=', 'plan_adapted').execute();
const versionOf = async (planId: string) =>
  (await t.db.selectFrom('training_plans').select('version').where('id', '=', planId).executeTakeFirstOrThrow()).version;

describe('the traffic light through the database', () => {
  it('a yellow morning shortens today only, logs a version, notifies; a redelivery changes nothing; a green check-in puts it back', async () => {
    const a = await athlete();
    await light(a.userId, TODAY, 'yellow');
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toMatchObject({ version: 2, trigger: 'readiness', code: 'readiness_yellow' });
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toBeNull();

    const today = (await workoutsOf(a.userId)).find((w) => w.date === TODAY)!;
    expect(today).toMatchObject({ target_duration_minutes: 40, adaptation: { trigger: 'readiness', code: 'readiness_yellow' } });
    expect(today.original_prescription).toMatchObject({ targetDurationMinutes: 50 });
    const others = (await workoutsOf(a.userId)).filter((w) => w.date !== TODAY);
    expect(others.every((w) => w.adaptation === null && w.original_prescription === null)).toBe(true);

    const [change] = await listPlanChanges(t.db, a.userId);
    expect(change).toMatchObject({ version: 2, trigger: 'readiness', reason: { code: 'readiness_yellow' } });
    expect(change!.changes).toEqual([
      {
        workoutId: today.id,
        date: TODAY,
        before: expect.objectContaining({ targetDurationMinutes: 50 }),
        after: expect.objectContaining({ targetDurationMinutes: 40 }),
      },
    ]);
    expect(await notificationsOf(a.userId)).toEqual([{ kind: 'plan_adapted', title: 'Your plan changed', body: expect.stringContaining('yellow') }]);

    await light(a.userId, TODAY, 'green');
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toMatchObject({ version: 3, code: 'readiness_green' });
    const back = (await workoutsOf(a.userId)).find((w) => w.date === TODAY)!;
    expect(back).toMatchObject({ target_duration_minutes: 50, adaptation: null, original_prescription: null, readiness_base: null });
    expect((await listPlanChanges(t.db, a.userId)).map((c) => c.version)).toEqual([3, 2, 1]);
  });

  it('respects planAdapted: off means the plan still adapts, silently', async () => {
    const a = await athlete({ plan_adapted: false });
    await light(a.userId, TODAY, 'red');
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toMatchObject({ code: 'readiness_red' });
    expect((await workoutsOf(a.userId)).find((w) => w.date === TODAY)).toMatchObject({ type: 'recovery', target_duration_minutes: 30, zone: 1 });
    expect(await notificationsOf(a.userId)).toEqual([]);
  });

  it('a check-in of another day or an athlete without a plan changes nothing', async () => {
    const a = await athlete();
    await light(a.userId, d(-1), 'red');
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toBeNull();
    const planless = await createTestUser(t.db, { time_zone: 'Europe/Berlin' });
    await light(planless.userId, TODAY, 'red');
    expect(await adaptToTodaysReadiness(t.db, planless.userId, MORNING)).toBeNull();
  });
});

describe('restore', () => {
  it('puts the original back as a restore version, and the coach leaves that workout alone from then on', async () => {
    const a = await athlete();
    await light(a.userId, TODAY, 'red');
    await adaptToTodaysReadiness(t.db, a.userId, MORNING);
    const todayId = (await workoutsOf(a.userId)).find((w) => w.date === TODAY)!.id;

    const restored = await restoreWorkout(t.db, a.userId, todayId, MORNING);
    expect(restored).toMatchObject({ id: todayId, type: 'easy', targetDurationMinutes: 50, adaptation: null, state: 'planned' });
    const [change] = await listPlanChanges(t.db, a.userId);
    expect(change).toMatchObject({ version: 3, trigger: 'restore', reason: { code: 'athlete_restored' } });
    expect(await notificationsOf(a.userId)).toHaveLength(1);

    await light(a.userId, TODAY, 'yellow');
    expect(await adaptToTodaysReadiness(t.db, a.userId, MORNING)).toBeNull();
    await expect(restoreWorkout(t.db, a.userId, todayId, MORNING)).rejects.toBeInstanceOf(Conflict);
  });

  it("refuses a workout that was never adapted, a past one and another athlete's, writing nothing", async () => {
    const a = await athlete();
    const b = await athlete();
    const rows = await workoutsOf(a.userId);
    await expect(restoreWorkout(t.db, a.userId, rows.find((w) => w.date === d(1))!.id, MORNING)).rejects.toBeInstanceOf(Conflict);
    await expect(restoreWorkout(t.db, a.userId, rows.find((w) => w.date === d(-1))!.id, MORNING)).rejects.toBeInstanceOf(Conflict);
    await expect(restoreWorkout(t.db, b.userId, rows[1]!.id, MORNING)).rejects.toBeInstanceOf(NotFound);
    expect(await versionOf(a.planId)).toBe(1);
  });
});

describe('risk alerts', () => {
  async function withLoads(userId: string, loads: number[]) {
    const start = d(-loads.length + 1);
    const series = computeLoadSeries(loads.map((load, i) => ({ date: addDays(start, i), load })));
    await t.db
      .insertInto('rolling_stats')
      .values(
        series.map((s) => ({
          user_id: userId,
          date: s.date,
          load: s.load,
          acute: s.acute,
          chronic: s.chronic,
          acwr: s.acwr,
          tsb: s.tsb,
          week_load: s.weekLoad,
          monotony: s.monotony,
          strain: s.strain,
        })),
      )
      .execute();
    return series.at(-1)!;
  }

  it('ACWR above 1.5 rebuilds the plan from tomorrow: projected ACWR <= 1.3 within 7 days, the invariants hold, once per alert', async () => {
    // A plan that keeps the spike going: 150 min at RPE 5 every day (750 AU against a chronic load near 410), with
    // hard sessions back to back, a Friday the athlete is not available, beyond the 7 days too.
    const user = await createTestUser(t.db, { time_zone: 'Europe/Berlin' });
    const a = {
      ...user,
      ...(await seedPlan(t.db, user.userId, {
        start: d(-31),
        raceDate: d(60),
        unavailableDays: ['fri'],
        workouts: [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => ({
          date: d(i),
          type: i === 4 || i === 5 ? ('tempo' as const) : ('easy' as const),
          minutes: 150,
          rpe: 5,
        })),
      })),
    };
    await t.db
      .insertInto('load_series')
      .values({ user_id: a.userId, series_start: d(-31), series_end: TODAY })
      .execute();
    const loads = [...Array<number>(28).fill(250), 900, 900, 900, 900];
    const last = await withLoads(a.userId, loads);
    expect(last.acwr!).toBeGreaterThan(1.5);
    const alert = await t.db
      .insertInto('risk_alerts')
      .values({ user_id: a.userId, kind: 'acwr', date: TODAY, metrics: JSON.stringify({ acwr: last.acwr }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = await workoutsOf(a.userId);
    const outcome = await adaptToRiskAlert(t.db, a.userId, alert.id, MORNING);
    expect(outcome).toMatchObject({ version: 2, trigger: 'risk_alert', code: 'acwr_high' });
    const after = await workoutsOf(a.userId);

    // Yesterday and today are as they were; everything from tomorrow is the generator's, naming the reason.
    const upToToday = (rows: typeof after) => rows.filter((w) => w.date <= TODAY).map((w) => ({ ...w }));
    expect(upToToday(after)).toEqual(upToToday(before));
    const future = after.filter((w) => w.date > TODAY);
    expect(future.length).toBeGreaterThan(7);
    expect(future.every((w) => w.adaptation?.trigger === 'risk_alert' && w.adaptation.code === 'acwr_high')).toBe(true);

    // Projected with the load engine from the stored state: back to at most 1.3 within the 7 days after today.
    const loadOn = (date: string) => after.filter((w) => w.date === date).reduce((s, w) => s + w.target_duration_minutes! * w.target_rpe!, 0);
    const week = Array.from({ length: 7 }, (_, i) => d(i + 1));
    const projected = continueLoadSeries(
      { date: TODAY, acute: last.acute, chronic: last.chronic },
      loads.slice(-6),
      week.map((date) => ({ date, load: loadOn(date) })),
      {
        seriesStart: d(-31),
      },
    );
    expect(projected.at(-1)!.acwr!).toBeLessThanOrEqual(1.3);
    const beforeLoad = week.reduce(
      (s, date) => s + before.filter((w) => w.date === date).reduce((x, w) => x + w.target_duration_minutes! * w.target_rpe!, 0),
      0,
    );
    expect(week.reduce((s, date) => s + loadOn(date), 0)).toBeLessThan(beforeLoad);

    // The invariants: no two hard days in a row (today's session included), nothing on a Friday, the long run on Sunday.
    const hard = new Set(after.filter((w) => w.date >= TODAY && HARD_WORKOUT_TYPES.has(w.type)).map((w) => w.date));
    for (const date of hard) expect(hard.has(addDays(date, 1)), `hard on ${date} and the day after`).toBe(false);
    expect(future.filter((w) => isoWeekday(w.date) === 5)).toEqual([]);
    const longRuns = future.filter((w) => w.type === 'long_run');
    expect(longRuns.length).toBeGreaterThan(0);
    expect(longRuns.every((w) => isoWeekday(w.date) === 7)).toBe(true);

    // One version with each workout's before and after, one notification naming the reason.
    const [change] = await listPlanChanges(t.db, a.userId);
    expect(change).toMatchObject({
      version: 2,
      trigger: 'risk_alert',
      reason: { code: 'acwr_high', message: expect.stringContaining('rebuilt from tomorrow') },
    });
    expect(change!.changes.every((c) => c.date > TODAY)).toBe(true);
    const kept = new Set(before.map((w) => w.id));
    const updated = change!.changes.filter((c) => c.before !== null && c.after !== null);
    expect(updated.length).toBeGreaterThan(0);
    expect(
      updated.every((c) => kept.has(c.workoutId) && after.some((w) => w.id === c.workoutId && w.target_duration_minutes === c.after!.targetDurationMinutes)),
    ).toBe(true);
    expect(new Set(change!.changes.map((c) => c.workoutId)).size).toBe(change!.changes.length);
    expect(await notificationsOf(a.userId)).toEqual([{ kind: 'plan_adapted', title: 'Your plan changed', body: expect.stringContaining('rose too fast') }]);

    // The alert delivered again: nothing changes.
    expect(await adaptToRiskAlert(t.db, a.userId, alert.id, MORNING)).toBeNull();
    expect(await workoutsOf(a.userId)).toEqual(after);
    expect(await versionOf(a.planId)).toBe(2);
    expect(await notificationsOf(a.userId)).toHaveLength(1);
  });

  it('ACWR above 1.5 with planAdapted off: the plan is rebuilt, silently', async () => {
    const user = await createTestUser(t.db, { time_zone: 'Europe/Berlin', notification_preferences: JSON.stringify({ plan_adapted: false }) });
    const plan = await seedPlan(t.db, user.userId, {
      start: d(-31),
      raceDate: d(60),
      workouts: [1, 2, 3].map((i) => ({ date: d(i), type: 'easy' as const, minutes: 150, rpe: 5 })),
    });
    await t.db
      .insertInto('load_series')
      .values({ user_id: user.userId, series_start: d(-31), series_end: TODAY })
      .execute();
    const last = await withLoads(user.userId, [...Array<number>(28).fill(250), 900, 900, 900, 900]);
    const alert = await t.db
      .insertInto('risk_alerts')
      .values({ user_id: user.userId, kind: 'acwr', date: TODAY, metrics: JSON.stringify({ acwr: last.acwr }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await adaptToRiskAlert(t.db, user.userId, alert.id, MORNING)).toMatchObject({ code: 'acwr_high' });
    expect(await versionOf(plan.planId)).toBe(2);
    expect(await notificationsOf(user.userId)).toEqual([]);
  });

  it('an alert from last week is history: the plan is not changed for it', async () => {
    const a = await athlete();
    await withLoads(a.userId, [...Array<number>(28).fill(250), 900, 900, 900, 900]);
    const alert = await t.db
      .insertInto('risk_alerts')
      .values({ user_id: a.userId, kind: 'acwr', date: d(-7), metrics: JSON.stringify({ acwr: 1.7 }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await adaptToRiskAlert(t.db, a.userId, alert.id, MORNING)).toBeNull();
  });

  it('monotony above 2.0 gives next week more contrast', async () => {
    const user = await createTestUser(t.db, { time_zone: 'Europe/Berlin' });
    const plan = await seedPlan(t.db, user.userId, {
      start: d(-10),
      raceDate: d(60),
      workouts: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ date: d(i), type: i === 3 ? 'tempo' : 'easy', minutes: 45 })),
    });
    const alert = await t.db
      .insertInto('risk_alerts')
      .values({ user_id: user.userId, kind: 'monotony', date: TODAY, metrics: JSON.stringify({ monotony: 2.4 }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await adaptToRiskAlert(t.db, user.userId, alert.id, MORNING)).toMatchObject({ code: 'monotony_high' });
    const [change] = await listPlanChanges(t.db, user.userId);
    expect(change!.changes.length).toBeGreaterThan(0);
    expect(change!.changes.every((c) => c.before?.type !== 'tempo')).toBe(true);
    expect(await versionOf(plan.planId)).toBe(2);
  });
});

describe('the midnight sweep', () => {
  // 23:30 UTC on 2027-03-10 is 00:30 on the 11th in Berlin; in New York it is still the evening of the 10th.
  const BERLIN_MIDNIGHT = new Date('2027-03-10T23:30:00Z');

  it('closes yesterday: a fitting counted activity completes the workout, the rest are missed with WorkoutMissed', async () => {
    const a = await athlete();
    const ny = await createTestUser(t.db, { time_zone: 'America/New_York' });
    const nyPlan = await seedPlan(t.db, ny.userId, { start: d(-5), raceDate: d(60), workouts: [{ date: d(-1), type: 'easy', minutes: 40 }] });
    // Today's easy run (the 10th, Berlin) was done as a ride (does not fit) and a run (fits); yesterday's was not done.
    await t.db
      .insertInto('activities')
      .values([
        { user_id: a.userId, source: 'manual', type: 'ride', start_time: '2027-03-10T16:00:00Z', local_date: TODAY, duration_minutes: 90 },
        { user_id: a.userId, source: 'manual', type: 'run', start_time: '2027-03-10T17:00:00Z', local_date: TODAY, duration_minutes: 48 },
      ])
      .execute();
    const publisher = new RecordingPublisher();
    const result = await sweepPastWorkouts(t.db, publisher, BERLIN_MIDNIGHT);
    expect(result.userIds).toContain(a.userId);
    expect(result.userIds).not.toContain(ny.userId);

    const rows = await workoutsOf(a.userId);
    const run = await t.db.selectFrom('activities').select('id').where('user_id', '=', a.userId).where('type', '=', 'run').executeTakeFirstOrThrow();
    expect(rows.find((w) => w.date === TODAY)).toMatchObject({ state: 'completed', completed_activity_id: run.id });
    const yesterday = rows.find((w) => w.date === d(-1))!;
    expect(yesterday.state).toBe('missed');
    expect(rows.filter((w) => w.date > TODAY).every((w) => w.state === 'planned')).toBe(true);
    expect(publisher.published.filter((e) => e.detail.userId === a.userId)).toEqual([
      { detailType: DetailType.WorkoutMissed, detail: { userId: a.userId, scheduledWorkoutId: yesterday.id, date: d(-1) } },
    ]);
    expect(await t.db.selectFrom('event_outbox').select('id').execute()).toEqual([]);
    expect((await workoutsOf(ny.userId)).map((w) => w.state)).toEqual(['planned']);
    expect(nyPlan.workoutIds).toHaveLength(1);

    // Run again within the hour: nothing left to close.
    const again = new RecordingPublisher();
    await sweepPastWorkouts(t.db, again, BERLIN_MIDNIGHT);
    expect(again.published.filter((e) => e.detail.userId === a.userId)).toEqual([]);
  });

  it('a missed long run moves to the next suitable day, once', async () => {
    const a = await athlete();
    // Saturday the 13th was the long run; Sunday 00:30 in Berlin the sweep finds it missed.
    const sunday = new Date('2027-03-15T23:30:00Z');
    const publisher = new RecordingPublisher();
    await sweepPastWorkouts(t.db, publisher, sunday);
    const longRun = (await workoutsOf(a.userId)).find((w) => w.type === 'long_run')!;
    expect(longRun.state).toBe('missed');
    const outcome = await adaptToMissedWorkout(t.db, a.userId, longRun.id, sunday);
    expect(outcome).toMatchObject({ trigger: 'missed_workout', code: 'long_run_moved' });
    const rows = await workoutsOf(a.userId);
    const moved = rows.find((w) => w.type === 'long_run' && w.state === 'planned')!;
    // Tuesday the 16th: Monday the 15th... is 'today' when the sweep ran at 00:30 on the 16th local.
    expect(moved.date > longRun.date && moved.date <= addDays(longRun.date, 7)).toBe(true);
    expect(moved.adaptation).toMatchObject({ trigger: 'missed_workout', code: 'long_run_moved' });
    // The interval of that week gave way.
    expect(rows.find((w) => w.date === d(8) && w.type === 'interval')).toBeUndefined();
    expect(await adaptToMissedWorkout(t.db, a.userId, longRun.id, sunday)).toBeNull();
    const [change] = await listPlanChanges(t.db, a.userId);
    expect(change!.trigger).toBe('missed_workout');
  });

  it("recording an activity completes that day's planned workout at once", async () => {
    const a = await athlete();
    const { activity } = await createActivity({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2027-03-10T18:00:00Z') }, a.userId, {
      startTime: '2027-03-10T17:00:00+01:00',
      durationMinutes: 52,
      rpe: 4,
      type: 'run',
    });
    expect((await workoutsOf(a.userId)).find((w) => w.date === TODAY)).toMatchObject({ state: 'completed', completed_activity_id: activity.id });
  });
});
