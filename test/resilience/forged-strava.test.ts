// Strava's webhook is unsigned and its subscription id guessable: a forged event must not change anything
// Strava itself does not confirm, must not reveal our subscription id, and must not spend more than the
// athlete's budget of Strava calls.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { EVENT_CALLS_PER_WINDOW } from '#shared/vendors/event-budget';
import { createTestUser, type TestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';
import { freshStravaEvent } from '#test/support/vendor-samples';
import { STRAVA_SUBSCRIPTION_ID, useWebhookServices, type WebhookServices } from '#test/support/webhooks';

let database: TestDb;
let runtime: LocalRuntime;
let services: WebhookServices;
let strava: FakeStrava;

beforeAll(async () => {
  database = await testDb();
  strava = await startFakeStrava();
  services = useWebhookServices({ STRAVA_API_URL: strava.url });
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
});
afterAll(async () => {
  await runtime?.close();
  await services?.close();
  await strava?.close();
  await database?.close();
});

const post = (event: unknown) =>
  fetch(`${runtime.url}/api/v1/webhooks/strava`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });

async function stravaUser(): Promise<TestUser & { athleteId: number }> {
  const user = await createTestUser(database.db, { time_zone: 'Europe/Paris' });
  const athleteId = randomInt(1, 2 ** 40);
  const res = await fetch(`${runtime.url}/api/v1/integrations/strava/connect`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ code: strava.issueCode(undefined, athleteId), scope: 'read,activity:read_all' }),
  });
  expect(res.status).toBe(201);
  return { ...user, athleteId };
}

const imported = (userId: string) => database.db.selectFrom('activities').select('external_id').where('user_id', '=', userId).execute();
const linkOf = (userId: string) =>
  database.db.selectFrom('vendor_connections').selectAll().where('user_id', '=', userId).where('vendor', '=', 'strava').executeTakeFirstOrThrow();

async function importRun(user: { athleteId: number; userId: string }) {
  await post(freshStravaEvent('strava-event-create.json', { object_id: 11472130281, owner_id: user.athleteId }));
  await runtime.drain();
  expect((await imported(user.userId)).map((r) => r.external_id)).toEqual(['11472130281']);
}

// Event times of this run: a real Redis keeps idempotency records for 24 h, and a fixed time would make a
// later run's delivery a 'duplicate' of an earlier run's.
const RUN_EVENT_TIME = Math.floor(Date.now() / 1000) - 86_400 + Math.floor(Math.random() * 40_000);

describe('forged Strava events', () => {
  it('a forged delete of an activity Strava still has removes nothing', async () => {
    const user = await stravaUser();
    await importRun(user);
    await post(freshStravaEvent('strava-event-delete.json', { object_id: 11472130281, owner_id: user.athleteId }));
    await runtime.drain();
    expect((await imported(user.userId)).map((r) => r.external_id)).toEqual(['11472130281']);
  });

  it('a forged deauthorization, while Strava still accepts our token, keeps the link and its tokens', async () => {
    const user = await stravaUser();
    await post(
      freshStravaEvent('strava-event-deauth.json', { object_id: user.athleteId, owner_id: user.athleteId, event_time: Math.floor(Date.now() / 1000) + 5 }),
    );
    await runtime.drain();
    const link = await linkOf(user.userId);
    expect(link.status).toBe('connected');
    expect(link.access_token_ciphertext).not.toBeNull();
  });

  it("an event naming our athlete for another athlete's public activity imports nothing", async () => {
    const user = await stravaUser();
    strava.activities.set('99000000001', { ...strava.activities.get('11472130281')!, id: 99000000001 });
    strava.owners.set('99000000001', user.athleteId + 1);
    await post(freshStravaEvent('strava-event-create.json', { object_id: 99000000001, owner_id: user.athleteId }));
    await runtime.drain();
    expect(await imported(user.userId)).toEqual([]);
  });

  it('every subscription id gets the same answer, so ours cannot be probed; another id changes nothing', async () => {
    const user = await stravaUser();
    const ours = await post(freshStravaEvent('strava-event-create.json', { object_id: 11472130281, owner_id: user.athleteId }));
    const theirs = await post(
      freshStravaEvent('strava-event-create.json', {
        object_id: 11472130281,
        owner_id: user.athleteId,
        subscription_id: STRAVA_SUBSCRIPTION_ID + 1,
        event_time: RUN_EVENT_TIME + 1,
      }),
    );
    expect([theirs.status, await theirs.text()]).toEqual([ours.status, await ours.text()]);
    await runtime.drain();
    expect(await imported(user.userId)).toHaveLength(1);
  });

  it("a flood of unverified events spends at most the athlete's budget of Strava calls; the rest wait", async () => {
    const user = await stravaUser();
    const path = '/api/v3/activities/11472130281';
    const before = strava.requests.filter((r) => r.path === path).length;
    const flood = EVENT_CALLS_PER_WINDOW + 15;
    for (let i = 0; i < flood; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, flood - i) }, (_, j) =>
          post(freshStravaEvent('strava-event-update.json', { object_id: 11472130281, owner_id: user.athleteId, event_time: RUN_EVENT_TIME + 10 + i + j })),
        ),
      );
    }
    const queue = runtime.queues.get('normalizeActivity')!;
    // The over-budget events are put back until the window resets (15 min): wait until only they are left.
    for (let spins = 0; spins < 200 && queue.messages.some((m) => m.visibleAt <= Date.now()); spins++) await new Promise((r) => setTimeout(r, 25));
    const calls = strava.requests.filter((r) => r.path === path).length - before;
    expect(calls).toBeLessThanOrEqual(EVENT_CALLS_PER_WINDOW);
    expect(queue.messages.length).toBeGreaterThan(0);
    expect(queue.deadLetters.filter((m) => m.body.includes(String(user.athleteId)))).toEqual([]);
  });
});
