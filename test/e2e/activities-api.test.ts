// The activity, task, notification and rejection routes as the app uses them, through the local runtime
// (authorizer included): every query is scoped to the caller, another user's id is a 404.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '#shared/contracts/activities';
import type { IngestRejection } from '#shared/contracts/ingest';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';

const local = useLocalRuntime();

let ana: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ana = await createTestUser(local.db, { time_zone: 'Europe/Paris', resting_hr: 50, max_hr: 190, sex: 'female' });
  bob = await createTestUser(local.db, { time_zone: 'America/New_York' });
});

/** `semantic`: why a refusal of a body or query the document accepts is right (see useLocalRuntime). */
async function call<T = unknown>(user: TestUser | null, method: string, path: string, body?: unknown, semantic?: string) {
  const res = await local.fetch(path, {
    method,
    semantic,
    headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

const entry = {
  startTime: '2024-05-26T23:30:00+02:00',
  durationMinutes: 50,
  distanceMeters: 10000,
  avgHr: 150,
  maxHr: 172,
  rpe: 6,
  feeling: 4,
  notes: 'night run',
  type: 'long_run',
};

describe('POST /api/v1/activities', () => {
  it('records the entry on its local day with its load and TRIMP, and a retry with the same externalId is the same activity', async () => {
    const created = await call<Activity>(ana, 'POST', '/api/v1/activities', { ...entry, externalId: 'app-42' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/activities/${created.body.id}`);
    expect(created.body).toMatchObject({
      source: 'manual',
      externalId: 'app-42',
      type: 'long_run',
      startTime: '2024-05-26T21:30:00.000Z',
      localDate: '2024-05-26',
      internalLoad: 300,
      rpe: 6,
      feeling: 4,
      notes: 'night run',
      duplicateOf: null,
    });
    expect(created.body.trimp).toBeGreaterThan(0);

    const retry = await call<Activity>(ana, 'POST', '/api/v1/activities', { ...entry, externalId: 'app-42' });
    expect(retry).toMatchObject({ status: 200, body: created.body });
    const listed = await call<{ activities: Activity[] }>(ana, 'GET', '/api/v1/activities?from=2024-05-26&to=2024-05-26');
    expect(listed.body.activities).toEqual([created.body]);
    // An RPE given with the entry leaves nothing to do.
    expect((await call<{ tasks: unknown[] }>(ana, 'GET', '/api/v1/tasks')).body.tasks).toEqual([]);
  });

  it('refuses impossible values with a 422 naming the field', async () => {
    // A third element: the rule JSON Schema cannot state, for values the document itself accepts.
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ durationMinutes: 0 }, 'body.durationMinutes'],
      [{ durationMinutes: 1441 }, 'body.durationMinutes'],
      [{ avgHr: 300 }, 'body.avgHr'],
      [{ avgHr: 180, maxHr: 170 }, 'body.avgHr', 'average above maximum'],
      [{ distanceMeters: 30000, durationMinutes: 50 }, 'body.distanceMeters', 'a pace no runner holds'],
      [{ startTime: '2999-01-01T00:00:00Z' }, 'body.startTime', 'starts in the future'],
      [{ startTime: '2024-05-26T23:30:00' }, 'body.startTime'],
      [{ rpe: 11 }, 'body.rpe'],
      [{ feeling: 0 }, 'body.feeling'],
      [{ type: 'jogging' }, 'body.type'],
      [{ colour: 'red' }, 'body.colour'],
      // A start in year 1 would make the load series span ~740,000 days.
      [{ startTime: '0001-01-01T00:00:00Z' }, 'body.startTime', 'starts before 1970'],
      // PostgreSQL text cannot hold NUL: it must be refused at the edge, not a 500 from the database.
      [{ notes: 'night\u0000run' }, 'body.notes', 'PostgreSQL text holds no NUL'],
      [{ externalId: 'app-\u0000' }, 'body.externalId', 'PostgreSQL text holds no NUL'],
    ];
    for (const [change, field, semantic] of cases) {
      const res = await call<{ errors: Array<{ field: string }> }>(ana, 'POST', '/api/v1/activities', { ...entry, ...change }, semantic);
      expect(res.status, JSON.stringify(change)).toBe(422);
      expect(
        res.body.errors.map((e) => e.field),
        JSON.stringify(change),
      ).toContain(field);
    }
    expect((await call(ana, 'POST', '/api/v1/activities', '{"startTime":')).status).toBe(400);
    expect((await call(null, 'POST', '/api/v1/activities', entry)).status).toBe(401);
  });
});

describe('one activity', () => {
  it('is read, changed and deleted by its owner only', async () => {
    const { body: run } = await call<Activity>(ana, 'POST', '/api/v1/activities', { ...entry, rpe: undefined, startTime: '2024-05-20T07:00:00+02:00' });
    const path = `/api/v1/activities/${run.id}`;
    for (const method of ['GET', 'DELETE']) expect((await call(bob, method, path)).status).toBe(404);
    expect((await call(bob, 'PATCH', path, { rpe: 3 })).status).toBe(404);
    expect((await call(ana, 'GET', '/api/v1/activities/not-a-uuid')).status).toBe(400);

    expect((await call(ana, 'PATCH', path, {})).status).toBe(422);
    expect((await call(ana, 'PATCH', path, { rpe: 0 })).status).toBe(422);
    const patched = await call<Activity>(ana, 'PATCH', path, { rpe: 4, notes: null, type: 'recovery' });
    expect(patched.body).toMatchObject({ rpe: 4, notes: null, type: 'recovery', internalLoad: 200 });
    expect((await call(ana, 'GET', path)).body).toEqual(patched.body);

    expect((await call(ana, 'DELETE', path)).status).toBe(204);
    expect((await call(ana, 'GET', path)).status).toBe(404);
    expect((await call(ana, 'DELETE', path)).status).toBe(404);
  });

  it('lists by local date, defaulting to the last 28 days, and refuses an inverted or too long range', async () => {
    expect((await call(bob, 'GET', '/api/v1/activities')).body).toEqual({ activities: [] });
    expect((await call(ana, 'GET', '/api/v1/activities?from=2024-06-01&to=2024-05-01', undefined, 'from after to')).status).toBe(400);
    expect((await call(ana, 'GET', '/api/v1/activities?from=2023-01-01&to=2024-05-01', undefined, 'a range over 366 days')).status).toBe(400);
    expect((await call(ana, 'GET', '/api/v1/activities?from=2024-02-30')).status).toBe(400);
  });
});

describe('notifications and rejections', () => {
  it("are the caller's own", async () => {
    const { body: run } = await call<Activity>(ana, 'POST', '/api/v1/activities', { startTime: '2024-05-21T07:00:00+02:00', durationMinutes: 30 });
    const { body: inbox } = await call<{ notifications: Array<{ id: string; data: { activityId: string } }> }>(ana, 'GET', '/api/v1/notifications?unread=true');
    const note = inbox.notifications.find((n) => n.data.activityId === run.id)!;
    expect(note).toBeDefined();
    expect((await call(bob, 'POST', `/api/v1/notifications/${note.id}/read`)).status).toBe(404);
    expect((await call(bob, 'GET', '/api/v1/notifications')).body).toEqual({ notifications: [] });
    const read = await call<{ readAt: string }>(ana, 'POST', `/api/v1/notifications/${note.id}/read`);
    expect(read.status).toBe(200);
    const again = await call<{ readAt: string }>(ana, 'POST', `/api/v1/notifications/${note.id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await call<{ notifications: Array<{ id: string }> }>(ana, 'GET', '/api/v1/notifications?unread=true');
    expect(unread.body.notifications.map((n) => n.id)).not.toContain(note.id);

    await local.db
      .insertInto('ingest_rejections')
      .values({
        user_id: ana.userId,
        vendor: 'garmin',
        external_id: '1',
        reason: 'An average heart rate of 300 bpm is not possible.',
        payload_summary: JSON.stringify({ field: 'avgHr', type: 'run', startTime: '2024-05-19T09:02:11Z' }),
      })
      .execute();
    const rejections = await call<{ rejections: IngestRejection[] }>(ana, 'GET', '/api/v1/ingest/rejections');
    expect(rejections.body.rejections).toEqual([
      expect.objectContaining({ vendor: 'garmin', externalId: '1', field: 'avgHr', type: 'run', startTime: '2024-05-19T09:02:11.000Z' }),
    ]);
    expect((await call(bob, 'GET', '/api/v1/ingest/rejections')).body).toEqual({ rejections: [] });
  });
});
