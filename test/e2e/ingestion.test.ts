// Ingestion end to end through the local runtime: vendor webhook -> bus -> queue -> normalize-activity ->
// activity row -> RPE task and notification; PATCH rpe -> internal load, task closed, ActivityRecorded.
// The real handlers, authorizer, bus rules, queue batching, retries and DLQ; a fake Strava for its API.
import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '#shared/contracts/activities';
import type { Notification } from '#shared/contracts/notifications';
import type { Task } from '#shared/contracts/tasks';
import { EVENT_SOURCE } from '#shared/events/catalogue';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';
import { storedSamples } from '#test/support/samples';
import { freshId, freshStravaEvent, sample } from '#test/support/vendor-samples';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';

const local = useLocalRuntime();

let services: WebhookServices;
let strava: FakeStrava;

beforeAll(async () => {
  strava = await startFakeStrava();
  services = useWebhookServices({ STRAVA_API_URL: strava.url });
});
afterAll(async () => {
  await services?.close();
  await strava?.close();
});

async function call<T = unknown>(user: TestUser | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await local.fetch(path, {
    method,
    headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const activitiesOf = async (user: TestUser) =>
  (await call<{ activities: Activity[] }>(user, 'GET', '/api/v1/activities?from=2024-05-01&to=2024-05-31')).body.activities;
const tasksOf = async (user: TestUser) => (await call<{ tasks: Task[] }>(user, 'GET', '/api/v1/tasks')).body.tasks;
const recorded = (activityId: string) =>
  local.runtime.bus.published.filter((e) => e.detailType === 'ActivityRecorded' && (e.detail as { activityId: string }).activityId === activityId);

async function connectGarmin(user: TestUser) {
  const garmin = { garminUserId: freshId('garmin'), userAccessToken: freshId('token') };
  expect((await call(user, 'POST', '/api/v1/integrations/garmin/connect', garmin)).status).toBe(201);
  return garmin;
}

/** The sample push as this Garmin user's, with fresh ids so a long-lived Redis has never seen it. */
function garminPush(garmin: { garminUserId: string; userAccessToken: string }, which: 'all' | 'run' = 'all') {
  const push = sample<{ activities: Array<Record<string, unknown>> }>('garmin-push-activities.json');
  const activities = push.activities.slice(0, which === 'run' ? 1 : undefined).map((a) => {
    const activityId = randomInt(2 ** 40);
    return { ...a, userId: garmin.garminUserId, userAccessToken: garmin.userAccessToken, activityId, summaryId: String(activityId) };
  });
  return { activities };
}

function appleRelay() {
  const relay = sample<{ workouts: Array<Record<string, unknown>>; dailies: unknown[] }>('apple-relay.json');
  return { ...relay, workouts: relay.workouts.map((w) => ({ ...w, uuid: randomUUID().toUpperCase() })) };
}

/** An ActivityReceived as the webhooks publish it, straight onto the bus. */
const received = (detail: Record<string, unknown>) => ({
  Source: EVENT_SOURCE,
  DetailType: 'ActivityReceived',
  Detail: JSON.stringify({ eventKey: `test:${randomUUID()}`, ...detail }),
  EventBusName: local.runtime.bus.name,
});

describe('a Garmin push', () => {
  it('becomes activities with RPE tasks; PATCH rpe sets the load, closes the task and emits ActivityRecorded', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const garmin = await connectGarmin(user);
    const push = garminPush(garmin);
    const webhook = await call<{ accepted: number }>(null, 'POST', '/api/v1/webhooks/garmin', push);
    expect(webhook).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    await local.runtime.drain();

    const activities = await activitiesOf(user);
    expect(activities.map((a) => [a.source, a.externalId, a.type, a.localDate, a.internalLoad])).toEqual([
      ['garmin', String(push.activities[0]!.activityId), 'run', '2024-05-19', null],
      ['garmin', String(push.activities[1]!.activityId), 'strength', '2024-05-20', null],
    ]);
    const run = activities[0]!;
    expect(run).toMatchObject({ startTime: '2024-05-19T09:02:11.000Z', distanceMeters: 12043.7, avgHr: 158, maxHr: 181, rpe: null, duplicateOf: null });

    const tasks = await tasksOf(user);
    expect(tasks.map((t) => t.activityId).sort()).toEqual(activities.map((a) => a.id).sort());
    const { body: inbox } = await call<{ notifications: Notification[] }>(user, 'GET', '/api/v1/notifications');
    expect(inbox.notifications.map((n) => n.kind)).toEqual(['pending_task', 'pending_task']);
    expect(recorded(run.id)).toEqual([]);

    const patched = await call<Activity>(user, 'PATCH', `/api/v1/activities/${run.id}`, { rpe: 7 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ rpe: 7, internalLoad: (3391 / 60) * 7 });
    expect((await tasksOf(user)).map((t) => t.activityId)).toEqual([activities[1]!.id]);
    expect(recorded(run.id).map((e) => e.detail)).toEqual([{ userId: user.userId, activityId: run.id, localDate: '2024-05-19', change: 'updated' }]);

    const note = inbox.notifications[0]!;
    const read = await call<Notification>(user, 'POST', `/api/v1/notifications/${note.id}/read`);
    expect(read.body).toMatchObject({ id: note.id, read: true });
    expect((await call(user, 'GET', `/api/v1/activities/${run.id}`)).body).toEqual(patched.body);
  });

  it('for a Garmin user nobody connected is dropped, not retried', async () => {
    const push = garminPush({ garminUserId: freshId('stranger'), userAccessToken: 'x' }, 'run');
    expect((await call(null, 'POST', '/api/v1/webhooks/garmin', push)).status).toBe(200);
    const before = local.runtime.queues.get('normalizeActivity')!.deadLetters.length;
    await local.runtime.drain();
    expect(local.runtime.queues.get('normalizeActivity')!.deadLetters).toHaveLength(before);
    const rows = await local.db.selectFrom('activities').select('id').where('external_id', '=', String(push.activities[0]!.activityId)).execute();
    expect(rows).toEqual([]);
  });
});

describe('the Apple relay', () => {
  it('imports workouts (RPE given: load at once; none: a task) and the daily as SDNN', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const relay = appleRelay();
    expect((await call(user, 'POST', '/api/v1/webhooks/apple', relay)).status).toBe(202);
    await local.runtime.drain();
    const [run, treadmill] = await activitiesOf(user);
    expect(run).toMatchObject({ source: 'apple', type: 'run', localDate: '2024-05-22', durationMinutes: 46.5, rpe: null, internalLoad: null });
    expect(treadmill).toMatchObject({ source: 'apple', type: 'treadmill', localDate: '2024-05-23', rpe: 5, internalLoad: 150 });
    expect((await tasksOf(user)).map((t) => t.activityId)).toEqual([run!.id]);
    expect(recorded(treadmill!.id).map((e) => (e.detail as { change: string }).change)).toEqual(['created']);
    expect(await storedSamples(local.db, run!.id)).toEqual([
      { offsetSeconds: 5, hr: 98, speedMps: null, cadence: null, powerW: null },
      { offsetSeconds: 540, hr: 147, speedMps: null, cadence: null, powerW: null },
    ]);
    const day = await local.db.selectFrom('daily_metrics').selectAll().where('user_id', '=', user.userId).executeTakeFirstOrThrow();
    expect(day).toMatchObject({ date: '2024-05-22', resting_hr: 47, hrv_sdnn_ms: 71.4, hrv_rmssd: null, sleep_duration_minutes: 452 });
  });
});

describe('one session, many deliveries', () => {
  it('is one counted activity: redelivered, and from Garmin and Strava both', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const garmin = await connectGarmin(user);
    const connected = await call(user, 'POST', '/api/v1/integrations/strava/connect', { code: strava.issueCode() });
    expect(connected.status).toBe(201);

    const push = garminPush(garmin, 'run');
    await call(null, 'POST', '/api/v1/webhooks/garmin', push);
    // The same summary again under other event keys (as if the webhook's idempotency had expired), twice in one batch.
    local.runtime.bus.putEvents([received({ vendor: 'garmin', payload: push }), received({ vendor: 'garmin', payload: push })]);
    await local.runtime.drain();
    expect(await activitiesOf(user)).toHaveLength(1);

    const event = freshStravaEvent('strava-event-create.json', { object_id: 11472130281 });
    expect((await call(null, 'POST', '/api/v1/webhooks/strava', event)).status).toBe(200);
    await local.runtime.drain();
    const both = await activitiesOf(user);
    const fromGarmin = both.find((a) => a.source === 'garmin');
    const fromStrava = both.find((a) => a.source === 'strava');
    expect(both).toHaveLength(2);
    expect(fromGarmin).toMatchObject({ source: 'garmin', duplicateOf: null });
    expect(fromStrava).toMatchObject({ source: 'strava', externalId: '11472130281', duplicateOf: fromGarmin!.id, internalLoad: null, trimp: null });
    expect((await tasksOf(user)).map((t) => t.activityId)).toEqual([fromGarmin!.id]);
    expect(strava.requests.some((r) => r.path === '/api/v3/activities/11472130281')).toBe(true);

    // Strava says the athlete deleted it there (and its API agrees: 404): our copy goes; the Garmin one still counts.
    const deleted = strava.activities.get('11472130281')!;
    strava.activities.delete('11472130281');
    await call(null, 'POST', '/api/v1/webhooks/strava', freshStravaEvent('strava-event-delete.json', { object_id: 11472130281 }));
    await local.runtime.drain();
    strava.activities.set('11472130281', deleted);
    expect((await activitiesOf(user)).map((a) => a.source)).toEqual(['garmin']);
  });
});

describe('failures', () => {
  it('retry only the failed message; a poison message ends in the DLQ after 5 receives and nothing else is lost', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const poisonUuid = randomUUID().toUpperCase();
    // A database-level poison: the batch transaction fails, then only this message keeps failing alone.
    await sql
      .raw(`
      create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.external_id = '${poisonUuid}' then raise exception 'poison activity'; end if;
        return new;
      end $$`)
      .execute(local.db);
    await sql`create trigger refuse_poison before insert on activities for each row execute function refuse_poison()`.execute(local.db);
    try {
      const workouts = appleRelay().workouts;
      const good = [0, 1, 2].map((day) => ({
        ...workouts[1]!,
        uuid: randomUUID().toUpperCase(),
        startDate: `2024-05-1${day}T18:00:00+02:00`,
        endDate: `2024-05-1${day}T18:30:00+02:00`,
      }));
      const poison = { ...good[0]!, uuid: poisonUuid, startDate: '2024-05-15T18:00:00+02:00', endDate: '2024-05-15T18:30:00+02:00' };
      const malformed = { vendor: 'garmin', payload: { activities: 'not a list' } };
      const queue = local.runtime.queues.get('normalizeActivity')!;
      const deadBefore = queue.deadLetters.length;
      local.runtime.bus.putEvents([
        received({ vendor: 'apple', userId: user.userId, payload: { workouts: [good[0]] } }),
        received({ vendor: 'apple', userId: user.userId, payload: { workouts: [poison] } }),
        received(malformed),
        received({ vendor: 'apple', userId: user.userId, payload: { workouts: [good[1]] } }),
        received({ vendor: 'apple', userId: user.userId, payload: { workouts: [good[2]] } }),
      ]);
      await local.runtime.drain();

      const dead = queue.deadLetters.slice(deadBefore);
      expect(dead.map((m) => m.receiveCount)).toEqual([5, 5]);
      expect(dead.map((m) => JSON.parse(m.body).detail.payload.workouts?.[0]?.uuid ?? 'malformed').sort()).toEqual([poisonUuid, 'malformed'].sort());
      const activities = await activitiesOf(user);
      expect(activities.map((a) => a.externalId)).toEqual(good.map((w) => w.uuid));
      // Each good activity was recorded, and announced, exactly once.
      for (const a of activities) expect(recorded(a.id)).toHaveLength(1);
    } finally {
      await sql`drop trigger refuse_poison on activities`.execute(local.db);
    }
  });
});
