// GET and POST /api/v1/sync as the app uses them, through the local runtime (authorizer included).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse, SyncPage } from '#shared/contracts/sync';
import { createTestUser, type TestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';

const local = useLocalRuntime();

let ana: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ana = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
  bob = await createTestUser(local.db, { time_zone: 'America/New_York' });
});

/** `semantic`: why a refusal of a request the document accepts is right (see useLocalRuntime). */
async function call<T = unknown>(user: TestUser | null, method: string, path: string, body?: unknown, semantic?: string) {
  const res = await local.fetch(path, {
    method,
    semantic,
    headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Three years of an athlete's history, written as the services would leave it: a run, a check-in and a load day per day. */
async function threeYearsOf(userId: string, days: number): Promise<void> {
  await sql`
    insert into activities (user_id, source, type, start_time, local_date, duration_minutes, rpe, internal_load)
    select ${userId}, 'manual', 'run', d + time '06:00', d::date, 45, 5, 225
      from generate_series(date '2023-01-01', date '2023-01-01' + ${days - 1}::int, interval '1 day') d`.execute(local.db);
  await sql`
    insert into daily_metrics (user_id, date, resting_hr, sleep_duration_minutes, sleep_quality, readiness_light)
    select ${userId}, d::date, 48, 450, 7, 'green'
      from generate_series(date '2023-01-01', date '2023-01-01' + ${days - 1}::int, interval '1 day') d`.execute(local.db);
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb)
    select ${userId}, d::date, 225, 225, 225, 1, 0
      from generate_series(date '2023-01-01', date '2023-01-01' + ${days - 1}::int, interval '1 day') d`.execute(local.db);
}

describe('GET /api/v1/sync', () => {
  it("pages a new phone through three years of history, every entity once, and only the caller's", async () => {
    const days = 3 * 365;
    const runner = await createTestUser(local.db);
    await threeYearsOf(runner.userId, days);
    await threeYearsOf(bob.userId, 30);

    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await call<SyncPage>(runner, 'GET', `/api/v1/sync?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages += 1;
      expect(res.body.changes.length).toBeLessThanOrEqual(1000);
      for (const change of res.body.changes) seen.add(`${change.entity}:${change.id}`);
      cursor = res.body.nextCursor;
      if (!res.body.hasMore) break;
    }
    expect(seen.size).toBe(3 * days + 1);
    expect(pages).toBe(Math.ceil((3 * days + 1) / 1000));
    expect(seen.has(`profile:${runner.userId}`)).toBe(true);
    expect(seen.has(`profile:${bob.userId}`)).toBe(false);
    // Caught up: the next pull is empty and keeps the cursor.
    expect((await call<SyncPage>(runner, 'GET', `/api/v1/sync?cursor=${cursor}`)).body).toEqual({ changes: [], nextCursor: cursor, hasMore: false });
  });

  it('needs a token, and refuses a bad cursor or limit naming the parameter', async () => {
    expect((await call(null, 'GET', '/api/v1/sync')).status).toBe(401);
    for (const [query, field] of [
      ['cursor=xyz', 'query.cursor'],
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
    ]) {
      const res = await call<{ errors: { field: string }[] }>(
        ana,
        'GET',
        `/api/v1/sync?${query}`,
        undefined,
        query!.startsWith('cursor') ? 'a cursor this API did not give' : undefined,
      );
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    }
  });
});

describe('POST /api/v1/sync', () => {
  const entry = { startTime: '2024-05-26T07:30:00+02:00', durationMinutes: 50, distanceMeters: 10000, rpe: 6 };

  it('applies an offline batch once, answers a replay from what it stored, and the feed shows the result', async () => {
    const { body: before } = await call<SyncPage>(ana, 'GET', '/api/v1/sync');
    const batch = {
      mutations: [
        { clientMutationId: randomUUID(), entity: 'activity', op: 'upsert', data: entry, clientTimestamp: '2024-05-26T09:00:00+02:00' },
        {
          clientMutationId: randomUUID(),
          entity: 'dailyMetric',
          op: 'upsert',
          data: { date: '2024-05-27', soreness: 4 },
          clientTimestamp: '2024-05-27T07:00:00+02:00',
        },
        { clientMutationId: randomUUID(), entity: 'activity', op: 'upsert', data: { ...entry, rpe: 0 }, clientTimestamp: '2024-05-26T09:00:00+02:00' },
      ],
    };
    const first = await call<PushResponse>(ana, 'POST', '/api/v1/sync', batch);
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(first.body.results[2]!.errors).toEqual([{ field: 'mutations.2.data.rpe', message: expect.any(String) }]);

    const replay = await call<PushResponse>(ana, 'POST', '/api/v1/sync', batch);
    expect(replay.body.results.map((r) => [r.status, r.firstStatus])).toEqual([
      ['duplicate', 'applied'],
      ['duplicate', 'applied'],
      ['duplicate', 'rejected'],
    ]);
    expect(replay.body.results[0]!.id).toBe(first.body.results[0]!.id);

    const { body: after } = await call<SyncPage>(ana, 'GET', `/api/v1/sync?cursor=${before.nextCursor}`);
    expect(after.changes).toEqual([
      { entity: 'activity', id: first.body.results[0]!.id, op: 'upsert', data: expect.objectContaining({ internalLoad: 300, localDate: '2024-05-26' }) },
      { entity: 'dailyMetric', id: '2024-05-27', op: 'upsert', data: expect.objectContaining({ soreness: 4 }) },
    ]);
    const { body: activity } = await call(ana, 'GET', `/api/v1/activities/${first.body.results[0]!.id}`);
    expect(after.changes[0]!.data).toEqual(activity);
  });

  it("keeps users apart: another user's entity is not found, and replays are per user", async () => {
    const mine = await call<PushResponse>(ana, 'POST', '/api/v1/sync', {
      mutations: [
        {
          clientMutationId: randomUUID(),
          entity: 'activity',
          op: 'upsert',
          data: { ...entry, startTime: '2024-05-20T07:30:00+02:00' },
          clientTimestamp: '2024-05-20T09:00:00Z',
        },
      ],
    });
    const id = mine.body.results[0]!.id!;
    const theirs = await call<PushResponse>(bob, 'POST', '/api/v1/sync', {
      mutations: [{ clientMutationId: randomUUID(), entity: 'activity', op: 'delete', id, clientTimestamp: '2024-05-21T09:00:00Z' }],
    });
    expect(theirs.body.results[0]).toMatchObject({ status: 'rejected', reason: 'not_found' });
    expect((await call(ana, 'GET', `/api/v1/activities/${id}`)).status).toBe(200);
  });

  it('refuses a malformed envelope as a whole, naming the field, and writes nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ mutations: [] }, 'body.mutations'],
      [
        { mutations: [{ clientMutationId: 'x', entity: 'activity', op: 'upsert', clientTimestamp: '2024-05-20T09:00:00Z' }] },
        'body.mutations.0.clientMutationId',
      ],
      [{ mutations: [{ clientMutationId: randomUUID(), entity: 'plan', op: 'upsert', clientTimestamp: '2024-05-20T09:00:00Z' }] }, 'body.mutations.0.entity'],
      [
        {
          mutations: Array.from({ length: 501 }, () => ({
            clientMutationId: randomUUID(),
            entity: 'notification',
            op: 'read',
            id: randomUUID(),
            clientTimestamp: '2024-05-20T09:00:00Z',
          })),
        },
        'body.mutations',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await call<{ errors: { field: string }[] }>(ana, 'POST', '/api/v1/sync', body);
      expect(res.status, field).toBe(422);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    }
    expect((await call(null, 'POST', '/api/v1/sync', { mutations: [] })).status).toBe(401);
  });
});
