// The plan promises end to end, through the local runtime: onboarding, the current plan, a second onboarding,
// a regenerate after two weeks of completed workouts, and refusals that store nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '#shared/auth/tokens';
import { setClock } from '#shared/clock';
import { addDays, isoWeekday } from '#shared/domain/dates';
import { createTestUser, type TestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';
import { fixedClock } from '#test/support/metrics';

// Monday 2 March 2026, 08:00 UTC; users default to UTC.
const TODAY = '2026-03-02';
const clock = fixedClock(`${TODAY}T08:00:00Z`);

beforeAll(() => setClock(clock));
afterAll(() => setClock(undefined));
// Every answer is held to the OpenAPI document.
const local = useLocalRuntime({ timeScale: 0.001, schedules: false });
const database = {
  get db() {
    return local.db;
  },
};

const call = (user: TestUser, method: string, path: string, body?: unknown, semantic?: string) =>
  local.fetch(path, {
    method,
    headers: { ...user.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    semantic,
  });

interface PlanBody {
  plan: {
    id: string;
    goal: Record<string, unknown>;
    startDate: string;
    raceDate: string;
    phases: { name: string; startDate: string; endDate: string }[];
    version: number;
    status: string;
  };
  week: { index: number; phase: string; plannedLoad: number };
  workouts: {
    id: string;
    date: string;
    type: string;
    targetDurationMinutes: number;
    targetRpe: number;
    zone: number | null;
    plannedLoad: number;
    description: string;
    state: string;
    completedActivityId: string | null;
  }[];
}

const onboarding = (overrides: Record<string, unknown> = {}) => ({
  profile: { dob: '1990-05-01', sex: 'female', weightKg: 58, heightCm: 165, maxHr: 188, restingHr: 50, lactateThresholdHr: 168 },
  goal: { raceDistance: 'half', raceDate: addDays(TODAY, 7 * 16 + 6), goalTimeMinutes: 115 },
  availability: { daysPerWeek: 4, longRunDay: 'sun', unavailableDays: ['fri'], maxSessionMinutes: 120 },
  current: { weeklyMinutes: 180, longestRecentRunMinutes: 70, experience: 'intermediate' },
  ...overrides,
});

async function plansOf(userId: string) {
  return database.db.selectFrom('training_plans').select(['id', 'status', 'version']).where('user_id', '=', userId).orderBy('created_at').execute();
}

describe('training plans through the API', () => {
  it('answers 404 problem+json with a clear detail while the athlete has no plan', async () => {
    const user = await createTestUser(database.db);
    const res = await call(user, 'GET', '/api/v1/plan/current');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/no active training plan/);
  });

  it('onboards: stores the profile, answers 201 with the plan from today, zones from the threshold HR', async () => {
    const user = await createTestUser(database.db);
    const res = await call(user, 'POST', '/api/v1/onboarding', onboarding());
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as PlanBody;
    expect(body.plan).toMatchObject({ startDate: TODAY, raceDate: addDays(TODAY, 7 * 16 + 6), version: 1, status: 'active' });
    expect(body.plan.goal).toMatchObject({ raceDistance: 'half', distanceMeters: 21_097.5, goalTimeMinutes: 115 });
    expect(body.plan.phases.map((p) => p.name)).toEqual(['base', 'build', 'peak', 'taper']);
    expect(body.week).toMatchObject({ index: 0, phase: 'base' });
    expect(body.week.plannedLoad).toBeGreaterThan(0);
    // Default: this week and the next.
    expect(body.workouts.length).toBeGreaterThan(0);
    expect(body.workouts.every((w) => w.date >= TODAY && w.date <= addDays(TODAY, 13))).toBe(true);
    for (const w of body.workouts) {
      expect(w.plannedLoad).toBe(w.targetDurationMinutes * w.targetRpe);
      expect(w.state).toBe('planned');
      expect(isoWeekday(w.date)).not.toBe(5);
    }
    const easy = body.workouts.find((w) => w.type === 'easy')!;
    expect(easy.description).toMatch(/^\d+ min easy, conversational pace, HR under 151/);

    const me = (await (await call(user, 'GET', '/api/v1/me')).json()) as { profile: unknown; baselines: unknown };
    expect(me.profile).toMatchObject({ dob: '1990-05-01', sex: 'female', weightKg: 58, heightCm: 165 });
    expect(me.baselines).toMatchObject({ maxHr: 188, restingHr: 50, lactateThresholdHr: 168 });

    const current = (await (await call(user, 'GET', '/api/v1/plan/current?weeks=all')).json()) as PlanBody;
    expect(current.plan.id).toBe(body.plan.id);
    expect(current.workouts[current.workouts.length - 1]).toMatchObject({ type: 'race', date: body.plan.raceDate });
    const bad = await call(user, 'GET', '/api/v1/plan/current?weeks=99', undefined, 'more weeks than the plan has');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('query.weeks');
  });

  it('a second onboarding cancels the active plan (kept) and answers the new one', async () => {
    const user = await createTestUser(database.db);
    const first = (await (await call(user, 'POST', '/api/v1/onboarding', onboarding())).json()) as PlanBody;
    const res = await call(user, 'POST', '/api/v1/onboarding', onboarding({ goal: { raceDistance: { meters: 15_000 }, raceDate: addDays(TODAY, 60) } }));
    expect(res.status).toBe(201);
    const second = (await res.json()) as PlanBody;
    expect(second.plan.id).not.toBe(first.plan.id);
    expect(second.plan.goal).toMatchObject({ raceDistance: { meters: 15_000 }, distanceMeters: 15_000, goalTimeMinutes: null });
    expect(await plansOf(user.userId)).toEqual([
      { id: first.plan.id, status: 'cancelled', version: 1 },
      { id: second.plan.id, status: 'active', version: 1 },
    ]);
    const current = (await (await call(user, 'GET', '/api/v1/plan/current')).json()) as PlanBody;
    expect(current.plan.id).toBe(second.plan.id);
  });

  it.each([
    ['a race 1 week away', { goal: { raceDistance: '10k', raceDate: addDays(TODAY, 7) } }, 'body.goal.raceDate'],
    ['a race 53 weeks away', { goal: { raceDistance: '10k', raceDate: addDays(TODAY, 7 * 53) } }, 'body.goal.raceDate'],
    ['the long run on an unavailable day', { availability: { daysPerWeek: 3, longRunDay: 'sun', unavailableDays: ['sun'] } }, 'body.availability.longRunDay'],
    [
      'more running days than available days',
      { availability: { daysPerWeek: 6, longRunDay: 'sun', unavailableDays: ['mon', 'tue'] } },
      'body.availability.daysPerWeek',
    ],
    ['a custom distance under 1 km', { goal: { raceDistance: { meters: 500 }, raceDate: addDays(TODAY, 30) } }, 'body.goal.raceDistance'],
    [
      'resting HR above max HR',
      { profile: { dob: '1990-05-01', sex: 'male', weightKg: 70, heightCm: 180, maxHr: 150, restingHr: 110, lactateThresholdHr: 100 } },
      'body.profile',
    ],
  ])('refuses %s with a 422 naming the field, and stores nothing', async (_name, overrides, field) => {
    const user = await createTestUser(database.db);
    const res = await call(user, 'POST', '/api/v1/onboarding', onboarding(overrides), 'a race too near or too far, or HR baselines out of order');
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(
      problem.errors.some((e: { field: string }) => e.field.startsWith(field)),
      JSON.stringify(problem),
    ).toBe(true);
    expect(await plansOf(user.userId)).toEqual([]);
    const stored = await database.db.selectFrom('users').select(['dob', 'max_hr']).where('id', '=', user.userId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ dob: null, max_hr: null });
  });

  it('regenerates after two weeks of completed workouts: version 2, the past and the completed kept, the future rebuilt', async () => {
    const user = await createTestUser(database.db);
    const created = (await (await call(user, 'POST', '/api/v1/onboarding', onboarding())).json()) as PlanBody;
    // Two weeks later, the first two weeks done as planned (linking an activity to its workout is the
    // adaptation's job: done here by hand).
    clock.set(`${addDays(TODAY, 14)}T08:00:00Z`);
    try {
      // A token of the new day: the one signed two weeks ago has expired.
      const { token } = await signAccessToken(user.userId, clock.now());
      const later = { ...user, headers: { authorization: `Bearer ${token}` } };
      const done = created.workouts.filter((w) => w.date < addDays(TODAY, 14));
      expect(done.length).toBeGreaterThan(4);
      for (const w of done) {
        const posted = await call(later, 'POST', '/api/v1/activities', {
          startTime: `${w.date}T07:00:00Z`,
          durationMinutes: w.targetDurationMinutes,
          rpe: w.targetRpe,
          type: w.type === 'strength' ? 'strength' : 'run',
        });
        expect(posted.status).toBe(201);
        const activity = (await posted.json()) as { id: string };
        await database.db.updateTable('scheduled_workouts').set({ state: 'completed', completed_activity_id: activity.id }).where('id', '=', w.id).execute();
      }
      const res = await call(later, 'POST', '/api/v1/plan/regenerate', {
        availability: { daysPerWeek: 5, longRunDay: 'sat', unavailableDays: ['mon'], maxSessionMinutes: 150 },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as PlanBody;
      expect(body.plan).toMatchObject({ id: created.plan.id, version: 2, startDate: TODAY });
      expect(body.workouts.every((w) => w.date >= addDays(TODAY, 14))).toBe(true);
      expect(body.workouts.filter((w) => w.type === 'long_run').every((w) => isoWeekday(w.date) === 6)).toBe(true);
      expect(body.workouts.some((w) => isoWeekday(w.date) === 1)).toBe(false);

      const rows = await database.db
        .selectFrom('scheduled_workouts')
        .select(['id', 'date', 'state', 'created_in_version', 'removed_in_version'])
        .where('plan_id', '=', created.plan.id)
        .execute();
      // Every completed workout untouched; every future one of version 1 replaced by version 2.
      for (const w of done) expect(rows.find((r) => r.id === w.id)).toMatchObject({ state: 'completed', removed_in_version: null, created_in_version: 1 });
      for (const r of rows.filter((r) => r.date >= addDays(TODAY, 14))) {
        expect(r.created_in_version === 2 ? r.removed_in_version : r.removed_in_version).toBe(r.created_in_version === 2 ? null : 2);
      }
      const change = await database.db
        .selectFrom('plan_changes')
        .selectAll()
        .where('plan_id', '=', created.plan.id)
        .where('version', '=', 2)
        .executeTakeFirstOrThrow();
      expect(change).toMatchObject({ trigger: 'regenerate', reason_code: 'athlete_request' });
      expect(change.changes.length).toBeGreaterThan(0);
      const plan = await database.db
        .selectFrom('training_plans')
        .select(['days_per_week', 'long_run_day', 'load_basis_source', 'load_basis_date'])
        .where('id', '=', created.plan.id)
        .executeTakeFirstOrThrow();
      // Fourteen days of history: still seeded from the reported volume, continued over the real days.
      expect(plan).toEqual({ days_per_week: 5, long_run_day: 'sat', load_basis_source: 'reported_volume', load_basis_date: addDays(TODAY, 13) });
    } finally {
      clock.set(`${TODAY}T08:00:00Z`);
    }
  });

  it("never shows one athlete another's plan", async () => {
    const owner = await createTestUser(database.db);
    const other = await createTestUser(database.db);
    await call(owner, 'POST', '/api/v1/onboarding', onboarding());
    expect((await call(other, 'GET', '/api/v1/plan/current')).status).toBe(404);
    expect((await call(other, 'POST', '/api/v1/plan/regenerate', {})).status).toBe(404);
  });
});
