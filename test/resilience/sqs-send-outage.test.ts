// SQS SendMessage failing, on the path the code has: the normalization worker meets Strava's rate limit
// and puts the message back with a delayed copy (shared/events/requeue.ts). With SendMessage failing it
// falls back to stretching this delivery's visibility and reporting it failed, so the message stays in its
// queue, comes back after the wait and is imported: not lost, not dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '#shared/clock';
import { createTestUser } from '#test/support/auth';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';
import { useLocalRuntime } from '#test/support/local-runtime';
import { freshStravaEvent, sample } from '#test/support/vendor-samples';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';

const lines: string[] = [];
const local = useLocalRuntime({ log: (line) => lines.push(line) });
let services: WebhookServices;
let strava: FakeStrava;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  strava = await startFakeStrava();
  services = useWebhookServices({ STRAVA_API_URL: strava.url });
});
afterAll(async () => {
  setClock(undefined);
  await services?.close();
  await strava?.close();
});

/** Polls the runtime's state (the queue's log), never a fixed wait. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await sleep(10);
  if (!done()) throw new Error(`never saw ${what}`);
}

describe('SendMessage fails while a worker puts a message back', () => {
  it('the message waits on its own delivery instead, comes back and is imported once; nothing lost or dead-lettered', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const athleteId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    const connect = await local.fetch('/api/v1/integrations/strava/connect', {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ code: strava.issueCode(undefined, athleteId), scope: 'read,activity:read_all' }),
    });
    expect(connect.status).toBe(201);
    await local.runtime.drain();

    const queue = local.runtime.queues.get('normalizeActivity')!;
    const dlqBefore = queue.deadLetters.length;
    // One of the activities the fake Strava serves, owned by whoever asks.
    const objectId = Number(sample<{ id: number }>('strava-activity-run.json').id);
    strava.rateLimitNext(1, '201,1500');
    local.runtime.faults.sendMessage = Number.POSITIVE_INFINITY;
    const logged = lines.length;
    const res = await local.fetch('/api/v1/webhooks/strava', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(freshStravaEvent('strava-event-create.json', { object_id: objectId, owner_id: athleteId })),
    });
    expect(res.status).toBe(200);
    // The first delivery met the 429, could not send the delayed copy, and reported itself failed.
    await until('the failed delivery', () => lines.slice(logged).some((l) => /^queue normalizeActivity: delivered \d+, ok \d+, failed 1$/.test(l)));
    local.runtime.faults.sendMessage = 0;
    const injected = local.runtime.faults.injected.sendMessage;
    // The worker's own pause runs on the clock; the message's wait on the queue's time scale.
    setClock({ now: () => new Date(Date.now() + 16 * 60_000) });
    await local.runtime.drain();
    setClock(undefined);

    const rows = await local.db.selectFrom('activities').select('external_id').where('user_id', '=', user.userId).execute();
    const fetched = strava.requests.filter((r) => r.path === `/api/v3/activities/${objectId}`).length;
    const dead = queue.deadLetters.length - dlqBefore;
    const lost = 1 - rows.length;
    console.log(
      `SendMessage outage: ${injected} SendMessage calls failed (the requeue's delayed copy), Strava asked ${fetched} times (1 rate-limited), ${rows.length} activity imported, DLQ ${dead}; lost: ${lost}`,
    );
    expect(injected).toBeGreaterThan(0);
    expect(rows.map((r) => r.external_id)).toEqual([String(objectId)]);
    expect(fetched).toBe(2);
    expect(dead).toBe(0);
    expect(lost).toBe(0);
  });
});
