// The webhook handlers with EventBridge mocked (aws-sdk-client-mock) and the idempotency records in the
// in-memory cache, or in real Redis when TEST_REDIS_URL is set.
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as appleHandler } from '#functions/webhooks/apple';
import { handler as garminHandler } from '#functions/webhooks/garmin';
import { handler as stravaHandler } from '#functions/webhooks/strava';
import { handler as validationHandler } from '#functions/webhooks/strava-validate';
import type { CacheClient } from '#shared/cache/client';
import { loadClaimCheck } from '#shared/events/claim-check';
import { receivedPayloadSchemas } from '#shared/vendors/ports';
import { apiEvent, jsonEvent, lambdaContext } from '#test/support/events';
import { freshId, freshStravaEvent, sample } from '#test/support/vendor-samples';
import { GARMIN_CONSUMER_KEY, STRAVA_VERIFY_TOKEN, useWebhookServices, type WebhookServices } from '#test/support/webhooks';

const eventBridge = mockClient(EventBridgeClient);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A fresh user per run: Apple idempotency keys include the user, so a long-lived Redis never remembers a previous run.
const userId = randomUUID();

let services: WebhookServices;
beforeAll(() => {
  services = useWebhookServices();
});
afterAll(async () => {
  await services.close();
});

/** EventBridge accepts everything, after a few ms, as the real one would. */
function busAccepts(delayMs = 2) {
  eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: PutEventsRequestEntry[] }) => {
    await sleep(delayMs);
    return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) };
  });
}
beforeEach(() => {
  eventBridge.reset();
  busAccepts();
});

type Handler = (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;
async function call(handler: unknown, event: APIGatewayProxyEvent) {
  const res = await (handler as Handler)(event, lambdaContext);
  let json: any;
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers ?? {}, json };
}
const post = (handler: unknown, body: unknown, extra: Partial<APIGatewayProxyEvent> & { userId?: string } = {}) =>
  call(handler, jsonEvent('POST', body, extra));

/** Every ActivityReceived entry EventBridge was sent, parsed. */
function published(): Array<{ vendor: string; eventKey: string; payload?: any; claimCheck?: string; userId?: string }> {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .filter((e) => e.DetailType === 'ActivityReceived')
    .map((e) => JSON.parse(e.Detail!));
}

describe('Strava subscription validation', () => {
  const validation = (query: Record<string, string> | null) => call(validationHandler, apiEvent({ httpMethod: 'GET', queryStringParameters: query }));
  const query = (token: string) => ({ 'hub.mode': 'subscribe', 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3', 'hub.verify_token': token });

  it('echoes the challenge to whoever knows our verify token', async () => {
    const res = await validation(query(STRAVA_VERIFY_TOKEN));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3' });
  });

  it('refuses another verify token with 403', async () => {
    expect((await validation(query('NOT-OURS'))).status).toBe(403);
  });

  it('answers 400 when the hub parameters are missing or not a subscription', async () => {
    expect((await validation(null)).status).toBe(400);
    expect((await validation({ ...query(STRAVA_VERIFY_TOKEN), 'hub.mode': 'unsubscribe' })).status).toBe(400);
  });
});

describe('Strava events', () => {
  it('publishes one ActivityReceived carrying the event, and answers 200', async () => {
    const event = freshStravaEvent('strava-event-create.json');
    const res = await post(stravaHandler, event);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'accepted' });
    const [detail, ...rest] = published();
    expect(rest).toHaveLength(0);
    expect(detail).toMatchObject({ vendor: 'strava', payload: event });
    expect(detail!.eventKey).toBe(`strava:120475:activity:11472130281:create:${event.event_time}`);
    expect(receivedPayloadSchemas.strava.parse(detail!.payload)).toEqual(event);
  });

  it('delivered 10 times concurrently, publishes exactly one event and answers every delivery 200', async () => {
    busAccepts(20);
    const event = freshStravaEvent('strava-event-update.json');
    const results = await Promise.all(Array.from({ length: 10 }, () => post(stravaHandler, event)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.json.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.json.status === 'duplicate')).toHaveLength(9);
    expect(published()).toHaveLength(1);
  });

  it('answers a later retry of a published event as a duplicate without publishing again', async () => {
    const event = freshStravaEvent('strava-event-delete.json');
    expect((await post(stravaHandler, event)).json).toEqual({ status: 'accepted' });
    expect((await post(stravaHandler, event)).json).toEqual({ status: 'duplicate' });
    expect(published()).toHaveLength(1);
  });

  it('publishes a deauthorization for the worker to forget the athlete', async () => {
    const event = freshStravaEvent('strava-event-deauth.json');
    expect((await post(stravaHandler, event)).json).toEqual({ status: 'accepted' });
    expect(published()[0]).toMatchObject({ vendor: 'strava', payload: { object_type: 'athlete', updates: { authorized: 'false' } } });
  });

  it('ignores athlete updates that are not deauthorizations', async () => {
    const event = freshStravaEvent('strava-event-deauth.json', { updates: { authorized: 'true' } });
    expect((await post(stravaHandler, event)).json).toEqual({ status: 'ignored' });
    expect(published()).toHaveLength(0);
  });

  it("answers another subscription's event exactly as one of ours, so our id cannot be probed (the worker drops it)", async () => {
    const ours = await post(stravaHandler, freshStravaEvent('strava-event-create.json'));
    const other = await post(stravaHandler, freshStravaEvent('strava-event-create.json', { subscription_id: 999 }));
    expect([other.status, other.json]).toEqual([ours.status, ours.json]);
  });
});

describe('when publishing fails', () => {
  it('answers 503 while PutEvents keeps failing, and a retry after recovery publishes the event', async () => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    const event = freshStravaEvent('strava-event-create.json');
    const failed = await post(stravaHandler, event);
    expect(failed.status).toBe(503);
    expect(failed.headers['Retry-After']).toBeDefined();
    // The publisher retried the entry before giving up.
    expect(eventBridge.commandCalls(PutEventsCommand).length).toBeGreaterThan(1);

    eventBridge.reset();
    busAccepts();
    const retried = await post(stravaHandler, event);
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual({ status: 'accepted' });
    expect(published()).toHaveLength(1);
    expect(published()[0]!.payload).toEqual(event);
  });

  it('answers 503 when EventBridge cannot be reached at all', async () => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    expect((await post(stravaHandler, freshStravaEvent())).status).toBe(503);
  });

  it('answers 503 and publishes nothing when the idempotency cache is down', async () => {
    const down: CacheClient = {
      get: async () => Promise.reject(new Error('ECONNREFUSED')),
      set: async () => Promise.reject(new Error('ECONNREFUSED')),
      del: async () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const { cache } = services;
    services.useCache(down);
    try {
      expect((await post(stravaHandler, freshStravaEvent())).status).toBe(503);
      expect(published()).toHaveLength(0);
    } finally {
      services.useCache(cache);
    }
  });

  it('answers 409 to a retry that arrives while the first delivery is still publishing', async () => {
    // The bus holds the first delivery's PutEvents until the retry has been answered.
    eventBridge.reset();
    let publishing!: () => void;
    const firstIsPublishing = new Promise<void>((resolve) => (publishing = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: PutEventsRequestEntry[] }) => {
      publishing();
      await held;
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) };
    });
    const event = freshStravaEvent();
    const first = post(stravaHandler, event);
    await firstIsPublishing;
    const second = await post(stravaHandler, event);
    release();
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    expect(published()).toHaveLength(1);
  });
});

describe('Garmin pushes', () => {
  type Push = Record<string, Array<Record<string, unknown>>>;
  const withFreshIds = (push: Push): Push =>
    Object.fromEntries(
      Object.entries(push).map(([type, items]) => [
        type,
        items.map((i) => ('summaryId' in i ? { ...i, summaryId: freshId() } : { ...i, userId: freshId('u') })),
      ]),
    );

  it('publishes one event per summary, each a push of its own', async () => {
    const activities = withFreshIds(sample('garmin-push-activities.json'));
    const res = await post(garminHandler, activities);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accepted: 2, duplicates: 0 });
    const details = published();
    expect(details).toHaveLength(2);
    for (const d of details) {
      expect(d.vendor).toBe('garmin');
      expect(receivedPayloadSchemas.garmin.parse(d.payload).activities).toHaveLength(1);
    }
    expect(details.map((d) => d.payload.activities[0].summaryId).sort()).toEqual(activities.activities!.map((a) => a.summaryId).sort());
  });

  it('splits wellness and deregistration pushes the same way, and dedupes a re-sent push', async () => {
    const wellness = withFreshIds(sample('garmin-push-wellness.json'));
    expect((await post(garminHandler, wellness)).json).toEqual({ accepted: 3, duplicates: 0 });
    expect((await post(garminHandler, wellness)).json).toEqual({ accepted: 0, duplicates: 3 });
    const deregistration = withFreshIds(sample('garmin-deregistration.json'));
    expect((await post(garminHandler, deregistration)).json).toEqual({ accepted: 1, duplicates: 0 });
    expect(published().map((d) => Object.keys(d.payload)[0])).toEqual(['dailies', 'sleeps', 'hrv', 'deregistrations']);
  });

  it('treats an updated summary under the same summaryId as a new event', async () => {
    const push = withFreshIds(sample('garmin-push-activities.json'));
    await post(garminHandler, push);
    const updated = { manuallyUpdatedActivities: [{ ...push.activities![0]!, durationInSeconds: 3400 }] };
    expect((await post(garminHandler, updated)).json).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('checks our consumer key when the push names one', async () => {
    const push = withFreshIds(sample('garmin-push-activities.json'));
    const as = (key: string) => post(garminHandler, push, { headers: { 'Content-Type': 'application/json', 'garmin-client-id': key } });
    expect((await as('someone-else')).status).toBe(403);
    expect(published()).toHaveLength(0);
    expect((await as(GARMIN_CONSUMER_KEY)).status).toBe(200);
  });

  it('sends a summary too large for EventBridge by claim check, loadable by the worker', async () => {
    const start = 1716109331;
    const samples = Array.from({ length: 6000 }, (_, i) => ({ startTimeInSeconds: start + i, heartRate: 150, speedMetersPerSecond: 3.5, stepsPerMinute: 172 }));
    const detail = {
      userId: freshId('u'),
      summaryId: `${freshId()}-detail`,
      activityId: 13012345678,
      summary: { startTimeInSeconds: start, durationInSeconds: 6000, activityType: 'RUNNING', distanceInMeters: 21000 },
      samples,
    };
    const body = JSON.stringify({ activityDetails: [detail] });
    expect(body.length).toBeGreaterThan(256 * 1024);
    const res = await post(garminHandler, body);
    expect(res.status).toBe(200);
    const [event] = published();
    expect(event!.payload).toBeUndefined();
    expect(event!.claimCheck).toMatch(/^memory:activity-received\/garmin\//);
    const loaded = receivedPayloadSchemas.garmin.parse(await loadClaimCheck(event!.claimCheck!, services.claims));
    expect(loaded.activityDetails![0]!.samples).toHaveLength(6000);
    expect(loaded.activityDetails![0]!.summaryId).toBe(detail.summaryId);
  });
});

describe('the Apple Health relay', () => {
  let calls = 0;
  const relay = () => {
    const body = sample<{ workouts: Array<Record<string, unknown>>; dailies: Array<Record<string, unknown>> }>('apple-relay.json');
    // A fresh identity per call (with the per-run user) keeps a long-lived Redis from remembering the sample.
    const marker = Math.floor(Math.random() * 1e9);
    body.workouts = body.workouts.map((w) => ({ ...w, energyKcal: marker }));
    calls += 1;
    body.dailies = body.dailies.map((d) => ({ ...d, sleepMinutes: 300 + calls }));
    return body;
  };

  it("publishes each workout and day with the user's id and answers 202 with a result per item", async () => {
    const body = relay();
    const res = await post(appleHandler, body, { userId });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      results: [
        { kind: 'workout', id: '3F2504E0-4F89-41D3-9A0C-0305E82C3301', status: 'accepted' },
        { kind: 'workout', id: '7C9E6679-7425-40DE-944B-E07FC1F90AE7', status: 'accepted' },
        { kind: 'daily', id: '2024-05-22', status: 'accepted' },
      ],
    });
    const details = published();
    expect(details).toHaveLength(3);
    for (const d of details) {
      expect(d).toMatchObject({ vendor: 'apple', userId });
      receivedPayloadSchemas.apple.parse(d.payload);
    }
    const again = await post(appleHandler, body, { userId });
    expect(again.json.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(published()).toHaveLength(3);
  });

  it('keeps HealthKit HRV as SDNN in the payload', async () => {
    await post(appleHandler, relay(), { userId });
    const daily = published().find((d) => d.payload.dailies?.length);
    expect(daily!.payload.dailies[0]).toHaveProperty('hrvSdnnMs', 71.4);
  });

  it('requires the signed-in user', async () => {
    expect((await post(appleHandler, relay())).status).toBe(401);
  });
});

describe('malformed and hostile bodies get 4xx, never 500', () => {
  const routes = [
    { name: 'strava', handler: stravaHandler, valid: () => freshStravaEvent(), wrongTypes: { ...freshStravaEvent(), object_id: 'eleven' }, limit: 16 * 1024 },
    { name: 'garmin', handler: garminHandler, valid: () => ({}), wrongTypes: { activities: 'all of them' }, limit: 5 * 1024 * 1024 },
    {
      name: 'apple',
      handler: appleHandler,
      valid: () => ({ workouts: [] }),
      wrongTypes: { workouts: [{ uuid: 5, startDate: 'yesterday' }] },
      limit: 5 * 1024 * 1024,
    },
  ];
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  for (const route of routes) {
    describe(route.name, () => {
      const send = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
        call(route.handler, apiEvent({ httpMethod: 'POST', headers, body, userId }));
      const expect4xx = async (body: string, status?: number, headers?: Record<string, string>) => {
        const res = await send(body, headers);
        expect(res.status, body.slice(0, 80)).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        if (status) expect(res.status).toBe(status);
        expect(res.headers['Content-Type']).toBe('application/problem+json');
        return res;
      };

      it('malformed JSON: 400', () => expect4xx('{"object_id":', 400));
      it('not JSON at all, or not declared as JSON: 415', () => expect4xx('object_id=1', 415, { 'Content-Type': 'text/plain' }));
      it('JSON that is not an object: 422', async () => {
        await expect4xx('null', 422);
        await expect4xx('[]', 422);
        await expect4xx('"x"', 422);
      });
      it('wrong types: 422 naming the field', async () => {
        const res = await expect4xx(JSON.stringify(route.wrongTypes), 422);
        expect(res.json.errors[0].field).toMatch(/^body\./);
      });
      it('deep nesting: 4xx', async () => {
        await expect4xx(`{"updates":{"title":${deep(2000)}},"activities":${deep(2000)},"workouts":${deep(2000)}}`);
        if (route.limit > 1024 * 1024) await expect4xx(`{"activities":${deep(500_000)},"workouts":${deep(500_000)}}`);
      });
      it('huge arrays: 4xx', async () => {
        const many =
          route.name === 'strava'
            ? { ...freshStravaEvent(), updates: { title: Array(50_000).fill('x') } }
            : route.name === 'garmin'
              ? { dailies: Array(1001).fill({ userId: 'u', summaryId: 's', calendarDate: '2024-05-20' }) }
              : { workouts: [], dailies: Array(401).fill({ date: '2024-05-20' }) };
        await expect4xx(JSON.stringify(many));
      });
      it('10 MB: 413', () => expect4xx(JSON.stringify({ pad: 'x'.repeat(10 * 1024 * 1024) }), 413));
      it('a __proto__ key pollutes nothing', async () => {
        const res = await send(JSON.stringify(route.valid()).replace(/^\{/, '{"__proto__":{"polluted":true},'));
        expect(res.status).toBeLessThan(500);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });
  }
});
