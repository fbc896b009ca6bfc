// The plan services against a real database: where the projection starts (seeded from the reported volume
// under 28 days of history, the stored rolling stats from then on), one active plan, and a regenerate that
// starts tomorrow when today's workout is already done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '#shared/domain/dates';
import { computeLoadSeries, continueLoadSeries } from '#shared/domain/load';
import { loadBasis, seededDailyLoad } from '#shared/plans/load-basis';
import { currentPlan, onboard, regeneratePlan } from '#shared/plans/service';
import type { OnboardingBody } from '#shared/contracts/plans';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { insertLoads, RecordingPublisher } from '#test/support/metrics';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

const TODAY = '2026-03-02';
const now = new Date(`${TODAY}T08:00:00Z`);
const body: OnboardingBody = {
  goal: { raceDistance: '10k', raceDate: addDays(TODAY, 70) },
  availability: { daysPerWeek: 4, longRunDay: 'sun', unavailableDays: ['fri'] },
  current: { weeklyMinutes: 200, experience: 'intermediate' },
};

describe('the load basis', () => {
  it('without history is the steady state of the reported volume (minutes x RPE 4 / 7)', async () => {
    const { userId } = await createTestUser(t.db);
    const basis = await loadBasis(t.db, userId, addDays(TODAY, -1), { weeklyMinutes: 210, weeklyDistanceKm: null, experience: 'beginner' });
    expect(basis).toEqual({ source: 'reported_volume', state: expect.objectContaining({ date: addDays(TODAY, -1), acute: 120, chronic: 120 }) });
    expect(seededDailyLoad({ weeklyMinutes: null, weeklyDistanceKm: 30, experience: 'advanced' })).toBeCloseTo((150 * 4) / 7, 9);
    expect(seededDailyLoad({ weeklyMinutes: 20, weeklyDistanceKm: null, experience: 'beginner' })).toBeCloseTo((90 * 4) / 7, 9);
  });

  it('under 28 days of history continues the seeded EWMA over the real daily loads', async () => {
    const { userId } = await createTestUser(t.db);
    const days = [
      { date: addDays(TODAY, -10), load: 300 },
      { date: addDays(TODAY, -4), load: 200 },
    ];
    await insertLoads(t.db, userId, days);
    await t.db
      .insertInto('load_series')
      .values({ user_id: userId, series_start: days[0]!.date, series_end: addDays(TODAY, -1) })
      .execute();
    const basis = await loadBasis(t.db, userId, addDays(TODAY, -1), { weeklyMinutes: 175, weeklyDistanceKm: null, experience: 'intermediate' });
    const seed = 100;
    const loads = [];
    for (let d = days[0]!.date; d <= addDays(TODAY, -1); d = addDays(d, 1)) loads.push({ date: d, load: days.find((x) => x.date === d)?.load ?? 0 });
    const expected = continueLoadSeries({ date: addDays(days[0]!.date, -1), acute: seed, chronic: seed }, Array(6).fill(seed), loads, {
      seriesStart: addDays(days[0]!.date, -28),
    }).at(-1)!;
    expect(basis.source).toBe('reported_volume');
    expect(basis.state.acute).toBeCloseTo(expected.acute, 9);
    expect(basis.state.chronic).toBeCloseTo(expected.chronic, 9);
  });

  it('from 28 days of history is the stored rolling stats, decayed over days not yet recomputed', async () => {
    const { userId } = await createTestUser(t.db);
    const start = addDays(TODAY, -40);
    const series = computeLoadSeries([{ date: start, load: 300 }], { end: addDays(TODAY, -3) });
    await t.db
      .insertInto('rolling_stats')
      .values(series.map((d) => ({ user_id: userId, date: d.date, load: d.load, acute: d.acute, chronic: d.chronic, acwr: d.acwr, tsb: d.tsb })))
      .execute();
    await t.db
      .insertInto('load_series')
      .values({ user_id: userId, series_start: start, series_end: addDays(TODAY, -3) })
      .execute();
    const basis = await loadBasis(t.db, userId, addDays(TODAY, -1), { weeklyMinutes: 600, weeklyDistanceKm: null, experience: 'advanced' });
    const last = series.at(-1)!;
    expect(basis.source).toBe('history');
    expect(basis.state.acute).toBeCloseTo(last.acute * 0.75 ** 2, 9);
    expect(basis.state.chronic).toBeCloseTo(last.chronic * (27 / 29) ** 2, 9);
  });
});

describe('the plan services', () => {
  it('keep one active plan per athlete and record version 1 in the change log', async () => {
    const { userId } = await createTestUser(t.db);
    const first = await onboard(t.db, new RecordingPublisher(), userId, body, now);
    const second = await onboard(t.db, new RecordingPublisher(), userId, body, now);
    const plans = await t.db.selectFrom('training_plans').select(['id', 'status']).where('user_id', '=', userId).execute();
    expect(plans.filter((p) => p.status === 'active').map((p) => p.id)).toEqual([second.plan.id]);
    expect(plans.find((p) => p.id === first.plan.id)?.status).toBe('cancelled');
    const changes = await t.db.selectFrom('plan_changes').select(['version', 'trigger', 'changes']).where('plan_id', '=', second.plan.id).execute();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ version: 1, trigger: 'onboarding' });
    const workouts = await t.db.selectFrom('scheduled_workouts').select('id').where('plan_id', '=', second.plan.id).execute();
    expect(changes[0]!.changes.map((c) => c.workoutId).sort()).toEqual(workouts.map((w) => w.id).sort());
  });

  it('regenerate keeps a workout completed today and rebuilds from tomorrow', async () => {
    const { userId } = await createTestUser(t.db);
    const created = await onboard(t.db, new RecordingPublisher(), userId, body, now);
    const all = await currentPlan(t.db, userId, { weeks: 'all' }, now);
    const today = all.workouts.find((w) => w.date === TODAY) ?? all.workouts[0]!;
    const [activity] = await insertLoads(t.db, userId, [{ date: today.date, load: 200 }]);
    await t.db.updateTable('scheduled_workouts').set({ state: 'completed', completed_activity_id: activity! }).where('id', '=', today.id).execute();
    const at = new Date(`${today.date}T20:00:00Z`);
    const regenerated = await regeneratePlan(t.db, userId, { goal: { goalTimeMinutes: 48 } }, at);
    expect(regenerated.plan).toMatchObject({ id: created.plan.id, version: 2, goal: expect.objectContaining({ goalTimeMinutes: 48 }) });
    expect(regenerated.workouts[0]).toMatchObject({ id: today.id, state: 'completed', completedActivityId: activity });
    const rebuilt = await t.db
      .selectFrom('scheduled_workouts')
      .select(['date', 'created_in_version'])
      .where('plan_id', '=', created.plan.id)
      .where('removed_in_version', 'is', null)
      .where('created_in_version', '=', 2)
      .orderBy('date')
      .execute();
    expect(rebuilt[0]!.date > today.date).toBe(true);
  });

  it('a refused regenerate (a race date too near) changes nothing', async () => {
    const { userId } = await createTestUser(t.db);
    const created = await onboard(t.db, new RecordingPublisher(), userId, body, now);
    await expect(regeneratePlan(t.db, userId, { goal: { raceDate: addDays(TODAY, 5) } }, now)).rejects.toMatchObject({ kind: 'unprocessable' });
    const plan = await t.db.selectFrom('training_plans').select(['version', 'goal_race_date']).where('id', '=', created.plan.id).executeTakeFirstOrThrow();
    expect(plan).toEqual({ version: 1, goal_race_date: addDays(TODAY, 70) });
    const removed = await t.db
      .selectFrom('scheduled_workouts')
      .select('id')
      .where('plan_id', '=', created.plan.id)
      .where('removed_in_version', 'is not', null)
      .execute();
    expect(removed).toEqual([]);
  });
});
