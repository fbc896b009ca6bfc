// The adaptive brain end to end through the local runtime: a check-in over the API, DailyMetricLogged over the
// bus into the evaluate-plan-adaptation queue, today's workout changed, the change log and the notification read
// back over the API, and the athlete's restore; the midnight sweep's WorkoutMissed moving a missed long run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '#shared/auth/tokens';
import { setClock } from '#shared/clock';
import type { PlanChangeList, Workout } from '#shared/contracts/plans';
import type { Home } from '#shared/contracts/home';
import { addDays } from '#shared/domain/dates';
import { createTestUser, type TestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';
import { fixedClock } from '#test/support/metrics';
import { seedPlan } from '#test/support/plans';

const local = useLocalRuntime();
// Wednesday 2027-03-10, 07:30 in Berlin.
const TODAY = '2027-03-10';
const clock = fixedClock('2027-03-10T06:30:00Z');
const d = (n: number) => addDays(TODAY, n);

beforeAll(async () => {
  setClock(clock);
});
afterAll(async () => {
  setClock(undefined);
});

const call = async (user: TestUser, method: string, path: string, body?: unknown) => {
  const { token } = await signAccessToken(user.userId, clock.now()); // the clock moves: a token per call
  return local.fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
};
const json = async <T>(res: Response, status = 200): Promise<T> => {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
};

async function athlete() {
  const user = await createTestUser(local.db, { time_zone: 'Europe/Berlin' });
  const plan = await seedPlan(local.db, user.userId, {
    start: d(-10),
    raceDate: d(70),
    workouts: [
      { date: d(0), type: 'tempo', minutes: 50 },
      { date: d(2), type: 'easy', minutes: 45 },
      { date: d(3), type: 'long_run', minutes: 110 },
      { date: d(6), type: 'interval', minutes: 60 },
      { date: d(8), type: 'easy', minutes: 45 },
    ],
  });
  return { ...user, ...plan };
}

describe('the morning traffic light through the API', () => {
  it('a red check-in makes today a short recovery run, explained in the change log and a notification; a better one later that morning puts it back', async () => {
    const user = await athlete();
    await json(await call(user, 'POST', '/api/v1/daily-metrics', { date: TODAY, soreness: 9, sleepDurationMinutes: 420 }));
    await local.runtime.drain();

    const home = await json<Home>(await call(user, 'GET', '/api/v1/home'));
    expect(home.today.readiness?.light).toBe('red');
    expect(home.today.workout).toMatchObject({
      type: 'recovery',
      targetDurationMinutes: 30,
      zone: 1,
      adaptation: { original: { type: 'tempo', targetDurationMinutes: 50 }, reason: { code: 'readiness_red' } },
    });
    const { changes } = await json<PlanChangeList>(await call(user, 'GET', '/api/v1/plan/changes'));
    expect(changes.map((c) => [c.version, c.trigger, c.reason.code])).toEqual([
      [2, 'readiness', 'readiness_red'],
      [1, 'onboarding', 'plan_created'],
    ]);
    expect(changes[0]!.changes).toEqual([
      { workoutId: user.workoutIds[0], date: TODAY, before: expect.objectContaining({ type: 'tempo' }), after: expect.objectContaining({ type: 'recovery' }) },
    ]);
    const { notifications } = await json<{ notifications: { kind: string; body: string }[] }>(await call(user, 'GET', '/api/v1/notifications'));
    expect(notifications.filter((n) => n.kind === 'plan_adapted').map((n) => n.body)).toEqual([expect.stringContaining('red')]);

    // 09:00: sore no more.
    clock.set('2027-03-10T08:00:00Z');
    await json(await call(user, 'POST', '/api/v1/daily-metrics', { date: TODAY, soreness: 2, sleepDurationMinutes: 450 }));
    await local.runtime.drain();
    const after = await json<Home>(await call(user, 'GET', '/api/v1/home'));
    expect(after.today.workout).toMatchObject({ type: 'tempo', targetDurationMinutes: 50, adaptation: null });
    clock.set('2027-03-10T06:30:00Z');
  });

  it('the athlete restores an adapted workout over the API; it is logged and stays as planned', async () => {
    const user = await athlete();
    await json(await call(user, 'POST', '/api/v1/daily-metrics', { date: TODAY, soreness: 7 }));
    await local.runtime.drain();
    const restored = await json<Workout>(await call(user, 'POST', `/api/v1/plan/workouts/${user.workoutIds[0]}/restore`));
    expect(restored).toMatchObject({ id: user.workoutIds[0], type: 'tempo', zone: 2, targetRpe: 7, adaptation: null });
    const { changes } = await json<PlanChangeList>(await call(user, 'GET', '/api/v1/plan/changes'));
    expect(changes.map((c) => c.trigger)).toEqual(['restore', 'readiness', 'onboarding']);
    const again = await call(user, 'POST', `/api/v1/plan/workouts/${user.workoutIds[0]}/restore`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    const other = await athlete();
    expect((await call(other, 'POST', `/api/v1/plan/workouts/${user.workoutIds[0]}/restore`)).status).toBe(404);
    expect((await call(user, 'POST', '/api/v1/plan/workouts/not-a-uuid/restore')).status).toBe(400);
  });
});

describe('the midnight sweep through the runtime', () => {
  it('a missed long run is found at midnight and moved by the worker (WorkoutMissed over the bus)', async () => {
    const user = await athlete();
    // Sunday 2027-03-14, 00:30 in Berlin: Saturday's long run was not done.
    clock.set('2027-03-13T23:30:00Z');
    try {
      await local.runtime.runSchedule('missedWorkoutSweep');
      await local.runtime.drain();
      const { changes } = await json<PlanChangeList>(await call(user, 'GET', '/api/v1/plan/changes'));
      expect(changes[0]).toMatchObject({ trigger: 'missed_workout', reason: { code: 'long_run_moved' } });
      const added = changes[0]!.changes.find((c) => c.before === null)!;
      expect(added.after).toMatchObject({ type: 'long_run', targetDurationMinutes: 110 });
      expect(added.date > d(3) && added.date <= d(10)).toBe(true);
      // The sweep ran once more in the same hour: nothing more happens.
      await local.runtime.runSchedule('missedWorkoutSweep');
      await local.runtime.drain();
      expect((await json<PlanChangeList>(await call(user, 'GET', '/api/v1/plan/changes'))).changes).toHaveLength(changes.length);
    } finally {
      clock.set('2027-03-10T06:30:00Z');
    }
  });
});
