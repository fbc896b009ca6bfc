// The training-load promises end to end, through the local runtime exactly as in AWS: activities posted to
// the API, ActivityRecorded over the bus into the update-rolling-stats queue, the worker's recompute, and the
// series read back from GET /api/v1/metrics/load against the reference vectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '#shared/auth/tokens';
import { setClock } from '#shared/clock';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';
import { fixedClock, type LoadVector } from '#test/support/metrics';
import { expectClose, readVector } from '#test/unit/domain/support';

const local = useLocalRuntime();

const clock = fixedClock('2024-05-04T20:00:00Z');

beforeAll(async () => {
  setClock(clock);
});
afterAll(async () => {
  setClock(undefined);
});

/** `semantic`: why a refusal of a body or query the document accepts is right (see useLocalRuntime). */
const call = (user: TestUser, method: string, path: string, body?: unknown, semantic?: string) =>
  local.fetch(path, {
    method,
    semantic,
    headers: { ...user.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

interface LoadBody {
  days: { date: string; load: number; acute: number; chronic: number; acwr: number | null; tsb: number; monotony: number | null; strain: number | null }[];
  alerts: { id: string; kind: string; date: string; metrics: Record<string, number | null> }[];
}

/** Posts the activities that make each day's load: RPE 5 for load/5 minutes (at most 1,440 min each). */
async function postLoads(user: TestUser, records: { date: string; load: number }[]): Promise<void> {
  for (const { date, load } of records) {
    for (let left = load, part = 0; left > 0; left -= 7200, part++) {
      const res = await call(user, 'POST', '/api/v1/activities', {
        startTime: `${date}T${String(6 + part).padStart(2, '0')}:00:00Z`,
        durationMinutes: Math.min(left, 7200) / 5,
        rpe: 5,
        externalId: `${date}-${part}`,
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  }
}

describe('the load vectors through the API', () => {
  for (const file of ['steady_state', 'spike_week', 'monotonous_week']) {
    const vector = readVector<LoadVector>(file);
    for (const vectorCase of vector.cases) {
      it(`${file}/${vectorCase.name}: GET /metrics/load matches the vector to 1e-6`, async () => {
        const first = vectorCase.expected[0]!.date;
        const last = vectorCase.expected[vectorCase.expected.length - 1]!.date;
        clock.set(`${last}T20:00:00Z`);
        const user = await createTestUser(local.db, { time_zone: 'UTC' });
        await postLoads(
          user,
          vectorCase.input.records.filter((r) => r.load > 0),
        );
        await local.runtime.drain();

        const res = await call(user, 'GET', `/api/v1/metrics/load?from=${first}&to=${last}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as LoadBody;
        expect(body.days.map((d) => d.date)).toEqual(vectorCase.expected.map((e) => e.date));
        body.days.forEach((day, i) => {
          const e = vectorCase.expected[i]!;
          expect(Object.keys(day).sort()).toEqual(['acute', 'acwr', 'chronic', 'date', 'load', 'monotony', 'strain', 'tsb']);
          for (const key of ['load', 'acute', 'chronic', 'acwr', 'tsb', 'monotony', 'strain'] as const) expectClose(day[key], e[key], `${e.date} ${key}`);
        });
        expect(body.alerts.filter((a) => a.kind === 'acwr').map((a) => a.date)).toEqual(vectorCase.summary.acwr_alert_dates);
        expect(local.runtime.queues.get('updateRollingStats')!.deadLetters).toEqual([]);
      });
    }
  }

  it('continues the series to the local today when nothing new happened, and rejects a range over 3 years', async () => {
    clock.set('2024-03-10T20:00:00Z');
    const user = await createTestUser(local.db, { time_zone: 'UTC' });
    await postLoads(user, [
      { date: '2024-03-01', load: 300 },
      { date: '2024-03-02', load: 500 },
    ]);
    await local.runtime.drain();
    clock.set('2024-03-14T09:00:00Z');
    const { token } = await signAccessToken(user.userId, clock.now()); // the first one expired meanwhile
    user.headers = { authorization: `Bearer ${token}` };

    const res = await call(user, 'GET', '/api/v1/metrics/load?from=2024-02-01&to=2024-03-31');
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as LoadBody;
    expect(body.days.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`));
    const last = body.days[body.days.length - 1]!;
    // Twelve rest days after 2 March: the acute EWMA decays by 0.75 a day.
    const second = body.days[1]!;
    expectClose(last.acute, second.acute * 0.75 ** 12, 'acute after 12 rest days', 1e-9);
    expect(last.load).toBe(0);

    const wide = await call(user, 'GET', '/api/v1/metrics/load?from=2021-03-01&to=2024-03-02', undefined, 'a range over 3 years');
    expect(wide.status).toBe(400);
    expect(((await wide.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['query.to']);
    expect((await call(user, 'GET', '/api/v1/metrics/load?from=2021-03-01&to=2024-03-01')).status).toBe(200);
    const ancient = await call(user, 'GET', '/api/v1/metrics/load?from=0000-01-01&to=0001-01-01');
    expect(ancient.status).toBe(400);
    expect(((await ancient.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('query.from');
    expect((await local.fetch(`/api/v1/metrics/load?from=2024-03-01&to=2024-03-02`)).status).toBe(401);
  });
});

describe('the morning check-in through the API', () => {
  it('stores the day with its readiness, and the worker extends the load series to that day', async () => {
    clock.set('2024-06-03T06:30:00Z');
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    await postLoads(user, [{ date: '2024-06-01', load: 450 }]);
    await local.runtime.drain();

    const res = await call(user, 'POST', '/api/v1/daily-metrics', {
      date: '2024-06-03',
      restingHr: 52,
      hrvRmssd: 61.5,
      sleepDurationMinutes: 330,
      sleepQuality: 6,
      soreness: 8,
      stress: 3,
      mood: 7,
    });
    expect(res.status).toBe(200);
    const day = (await res.json()) as { date: string; sleepIndex: number; readiness: { light: string; reasons: { code: string; severity: string }[] } };
    expect(day).toMatchObject({ date: '2024-06-03', sleepIndex: 33, readiness: { light: 'yellow' } });
    expect(
      day.readiness.reasons
        .filter((r) => r.severity === 'flag')
        .map((r) => r.code)
        .sort(),
    ).toEqual(['short_sleep', 'sore']);
    await local.runtime.drain();

    const load = (await (await call(user, 'GET', '/api/v1/metrics/load?from=2024-06-01&to=2024-06-30')).json()) as LoadBody;
    expect(load.days.map((d) => d.date)).toEqual(['2024-06-01', '2024-06-02', '2024-06-03']);
    const stored = await local.db.selectFrom('load_series').select('series_end').where('user_id', '=', user.userId).executeTakeFirst();
    expect(stored?.series_end).toBe('2024-06-03');

    const list = (await (await call(user, 'GET', '/api/v1/daily-metrics?from=2024-06-01&to=2024-06-30')).json()) as { days: unknown[] };
    expect(list.days).toEqual([day]);
  });

  it.each([
    ['sleep of 2,000 minutes', { sleepDurationMinutes: 2000 }, 'body.sleepDurationMinutes'],
    ['soreness 0', { soreness: 0 }, 'body.soreness'],
    ['soreness 11', { soreness: 11 }, 'body.soreness'],
    ['HRV 0', { hrvRmssd: 0 }, 'body.hrvRmssd'],
    ['a date after the local today', { date: '2024-06-04' }, 'body.date', 'after the athlete’s local today'],
    ['the year 0000 (not a PostgreSQL date)', { date: '0000-01-01' }, 'body.date'],
    ['the year 0001', { date: '0001-01-01' }, 'body.date'],
  ] as Array<[string, Record<string, unknown>, string, string?]>)(
    'refuses %s with a 422 naming the field, and stores nothing',
    async (_, change, field, semantic) => {
      // 23:30 UTC on 3 June is already 4 June in Paris, but still 3 June in New York.
      clock.set('2024-06-03T23:30:00Z');
      const user = await createTestUser(local.db, { time_zone: 'America/New_York' });
      const res = await call(user, 'POST', '/api/v1/daily-metrics', { date: '2024-06-03', sleepQuality: 7, soreness: 3, ...change }, semantic);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
      await local.runtime.drain();
      expect(await local.db.selectFrom('daily_metrics').selectAll().where('user_id', '=', user.userId).execute()).toEqual([]);
      expect(local.runtime.bus.published.filter((e) => (e.detail as { userId?: string }).userId === user.userId)).toEqual([]);
    },
  );
});
