// The home screen through the local runtime: one answer with today's workout as adapted, the morning's
// readiness, load, the plan week, what comes next, tasks, unread notifications and alerts; cached per user with
// an ETag (304 to If-None-Match), and dropped by every kind of write that changes any part of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCache, setCacheClient } from '#shared/cache/client';
import { signAccessToken } from '#shared/auth/tokens';
import { setClock } from '#shared/clock';
import type { Home } from '#shared/contracts/home';
import { addDays } from '#shared/domain/dates';
import { homeKey } from '#shared/home/cache';
import { createTestUser, type TestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';
import { fixedClock } from '#test/support/metrics';
import { seedPlan } from '#test/support/plans';

const local = useLocalRuntime();
const cache = new InMemoryCache();
// Wednesday 2027-03-10, 08:00 in Berlin.
const TODAY = '2027-03-10';
const clock = fixedClock('2027-03-10T07:00:00Z');
const d = (n: number) => addDays(TODAY, n);

beforeAll(async () => {
  setClock(clock);
  setCacheClient(cache);
});
afterAll(async () => {
  setClock(undefined);
  setCacheClient(undefined);
});

const call = (user: TestUser, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  local.fetch(path, {
    method,
    headers: { ...user.headers, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function athlete(): Promise<TestUser & { workoutIds: string[] }> {
  const user = await createTestUser(local.db, { time_zone: 'Europe/Berlin' });
  const plan = await seedPlan(local.db, user.userId, {
    start: d(-2),
    raceDate: d(70),
    workouts: [
      { date: d(0), type: 'easy', minutes: 50 },
      { date: d(1), type: 'interval', minutes: 60 },
      { date: d(3), type: 'tempo', minutes: 50 },
      { date: d(5), type: 'long_run', minutes: 100 },
      { date: d(8), type: 'easy', minutes: 45 },
    ],
  });
  await local.db
    .updateTable('training_plans')
    .set({
      weeks: JSON.stringify([
        { index: 0, startDate: d(-2), endDate: d(4), phase: 'base', kind: 'loading', targetLoad: 1500 },
        { index: 1, startDate: d(5), endDate: d(11), phase: 'base', kind: 'loading', targetLoad: 1500 },
      ]),
    })
    .execute();
  return { ...user, workoutIds: plan.workoutIds };
}

async function home(user: TestUser, etag?: string): Promise<{ status: number; etag: string | null; body: Home | null }> {
  const res = await call(user, 'GET', '/api/v1/home', undefined, etag ? { 'if-none-match': etag } : {});
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), body: text ? (JSON.parse(text) as Home) : null };
}

describe('GET /api/v1/home', () => {
  it("shows today's workout, the plan week and what comes next; answers 304 to its own ETag", async () => {
    const user = await athlete();
    const first = await home(user);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      today: { date: TODAY, workout: { type: 'easy', targetDurationMinutes: 50, adaptation: null }, readiness: null },
      load: { acute: 0, chronic: 0, acwr: null, status: 'low' },
      week: { phase: 'base', index: 0, plannedLoad: 50 * 4 + 60 * 8 + 50 * 7, doneLoad: 0 },
      tasks: { open: 0, first: null },
      notifications: { unread: 0 },
      alerts: [],
    });
    expect(first.body!.next.map((w) => w.type)).toEqual(['interval', 'tempo', 'long_run']);
    expect(await cache.get(homeKey(user.userId))).not.toBeNull();
    const again = await home(user, first.etag!);
    expect(again).toEqual({ status: 304, etag: first.etag, body: null });
  });

  it('every kind of write that changes it drops the cached answer, and the next read shows the change', async () => {
    const user = await athlete();
    const cached = async () => (await cache.get(homeKey(user.userId))) !== null;
    let { etag } = await home(user);
    expect(await cached()).toBe(true);
    /** Runs a write; the entry must be gone right after it (and after the queues drained), and the next read must be fresh. */
    const write = async (what: string, run: () => Promise<Response>) => {
      const res = await run();
      expect(res.status, `${what}: ${await res.clone().text()}`).toBeLessThan(300);
      await local.runtime.drain();
      expect(await cached(), `${what} left the home screen cached`).toBe(false);
      const next = await home(user, etag!);
      expect(next.status, what).toBe(200);
      etag = next.etag;
      return next.body!;
    };

    // An activity without RPE: today's workout is done and a task asks for the effort.
    let body = await write('activity', () =>
      call(user, 'POST', '/api/v1/activities', { startTime: `${TODAY}T07:00:00+01:00`, durationMinutes: 48, type: 'run' }),
    );
    expect(body.today.workout).toMatchObject({ state: 'completed' });
    expect(body.tasks.open).toBe(1);
    const activityId = body.today.workout!.completedActivityId!;

    body = await write('activity RPE (task done)', () => call(user, 'PATCH', `/api/v1/activities/${activityId}`, { rpe: 5 }));
    expect(body.tasks.open).toBe(0);
    expect(body.week!.doneLoad).toBe(240);

    body = await write('check-in', () => call(user, 'POST', '/api/v1/daily-metrics', { date: TODAY, sleepDurationMinutes: 420, soreness: 2 }));

    // Tomorrow's interval is cut by an adaptation written straight into the plan (the worker's path is tested
    // elsewhere); restoring it is the athlete's plan change.
    const tomorrow = user.workoutIds[1]!;
    await local.db
      .updateTable('scheduled_workouts')
      .set({
        target_duration_minutes: 30,
        original_prescription: JSON.stringify({
          type: 'interval',
          targetDurationMinutes: 60,
          targetDistanceMeters: null,
          targetRpe: 8,
          zone: 2,
          description: 'interval, 60 min',
        }),
        adaptation: JSON.stringify({ trigger: 'risk_alert', code: 'acwr_high', message: 'Too fast.' }),
      })
      .where('id', '=', tomorrow)
      .execute();
    await cache.del([homeKey(user.userId)]);
    ({ etag } = await home(user));
    body = await write('plan change (restore)', () => call(user, 'POST', `/api/v1/plan/workouts/${tomorrow}/restore`));
    expect(body.next[0]).toMatchObject({ id: tomorrow, targetDurationMinutes: 60, adaptation: null });

    const note = await local.db
      .insertInto('notifications')
      .values({ user_id: user.userId, kind: 'readiness', title: 'Good morning', body: 'Your readiness is in.' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await cache.del([homeKey(user.userId)]);
    ({ etag } = await home(user));
    const unread = (await home(user)).body!.notifications.unread;
    body = await write('notification read', () => call(user, 'POST', `/api/v1/notifications/${note.id}/read`));
    expect(body.notifications.unread).toBe(unread - 1);

    // Samoa is 11 hours behind UTC: 07:00 UTC on the 10th is the evening of the 9th there, a rest day.
    body = await write('time zone', () => call(user, 'PATCH', '/api/v1/me', { settings: { timeZone: 'Pacific/Pago_Pago' } }));
    expect(body.today).toMatchObject({ date: d(-1), workout: null });

    const erase = await call(user, 'DELETE', '/api/v1/me');
    expect(erase.status).toBe(204);
    expect(await cached()).toBe(false);
  });

  it('regenerate and onboarding drop the cached answer: the old ETag gets the new plan, not a 304', async () => {
    const user = await athlete();
    const shown = (body: Home) => [body.today.workout, ...body.next].flatMap((w) => (w ? [w.id] : []));
    /** The active plan's current workouts, and the version that made each. */
    const activePlan = async () => {
      const plan = await local.db
        .selectFrom('training_plans')
        .select(['id', 'version'])
        .where('user_id', '=', user.userId)
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      const rows = await local.db
        .selectFrom('scheduled_workouts')
        .select(['id', 'created_in_version'])
        .where('plan_id', '=', plan.id)
        .where('removed_in_version', 'is', null)
        .execute();
      return { ...plan, workouts: new Map(rows.map((r) => [r.id, r.created_in_version])) };
    };
    const first = await home(user);
    expect(first.status).toBe(200);
    expect(shown(first.body!).every((id) => user.workoutIds.includes(id))).toBe(true);

    const regenerated = await call(user, 'POST', '/api/v1/plan/regenerate', {});
    expect(regenerated.status, await regenerated.clone().text()).toBe(200);
    const afterRegenerate = await home(user, first.etag!);
    expect(afterRegenerate.status).toBe(200);
    expect(afterRegenerate.etag).not.toBe(first.etag);
    const v2 = await activePlan();
    expect(v2.version).toBe(2);
    const regeneratedIds = shown(afterRegenerate.body!);
    expect(regeneratedIds.length).toBeGreaterThan(0);
    // Everything shown is of the rebuilt version; nothing of the seeded plan is left from today on.
    expect(regeneratedIds.every((id) => v2.workouts.get(id) === 2 && !user.workoutIds.includes(id))).toBe(true);

    const onboarded = await call(user, 'POST', '/api/v1/onboarding', {
      goal: { raceDistance: '10k', raceDate: d(50) },
      availability: { daysPerWeek: 3, longRunDay: 'sat', unavailableDays: ['mon'] },
      current: { weeklyMinutes: 120, experience: 'beginner' },
    });
    expect(onboarded.status, await onboarded.clone().text()).toBe(201);
    const afterOnboarding = await home(user, afterRegenerate.etag!);
    expect(afterOnboarding.status).toBe(200);
    const fresh = await activePlan();
    expect(fresh.id).not.toBe(v2.id);
    const onboardedIds = shown(afterOnboarding.body!);
    expect(onboardedIds.length).toBeGreaterThan(0);
    expect(onboardedIds.every((id) => fresh.workouts.get(id) === 1)).toBe(true);
    expect(afterOnboarding.body!.week).toMatchObject({ index: 0 });
  });

  it('a new local day is a miss without any write', async () => {
    const user = await athlete();
    const first = await home(user);
    clock.set('2027-03-10T23:30:00Z'); // 00:30 on the 11th in Berlin
    try {
      const { token } = await signAccessToken(user.userId, clock.now());
      const next = await home({ ...user, headers: { authorization: `Bearer ${token}` } }, first.etag!);
      expect(next.status).toBe(200);
      expect(next.body!.today).toMatchObject({ date: d(1), workout: { type: 'interval' } });
    } finally {
      clock.set('2027-03-10T07:00:00Z');
    }
  });
});
