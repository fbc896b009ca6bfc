// The normalization worker's decisions, with fakes for the vendor ports and a real database: who is
// dropped, who is retried, who waits for Strava's rate limit, and what a batch writes.
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNormalizer, type NormalizeDeps, type ReceivedMessage } from '#shared/activities/normalize';
import type { EventDetail, OutgoingEvent } from '#shared/events/catalogue';
import { Unprocessable } from '#shared/errors';
import type { DailyMetricCandidate } from '#shared/domain/activity-candidate';
import type { VendorLink } from '#shared/vendors/ports';
import type { StravaActivity } from '#shared/vendors/strava/activity';
import { RateLimited, StravaUnauthorized, StravaUnavailable } from '#shared/vendors/strava/api';
import { testDb, type TestDb } from '#test/support/db';
import { sample } from '#test/support/vendor-samples';

const NOW = new Date('2024-06-01T12:00:00Z');
const ATHLETE = '134815';
const GARMIN_USER = '4aacafe82427c251df9c9592d0c06768';
const GARMIN_TOKEN = '8f57a6f1-26ba-4b05-a7cd-c6b525a4c7a2';

let t: TestDb;
let userId: string;
let published: OutgoingEvent[];
let requeued: Array<{ messageId: string; delaySeconds: number }>;
let revoked: Array<[string, string, Date]>;
let wellness: Array<[string, DailyMetricCandidate[]]>;
let stravaCalls: string[];
let stravaAnswer: (activityId: string) => Promise<StravaActivity | null>;
let requeueOutcome: 'requeued' | 'visibility-extended';
let dailyMetricsError: Error | undefined;
let claimChecks: Map<string, unknown>;

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  const user = await t.db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.com`, password_hash: 'x', time_zone: 'Europe/Paris' })
    .returning('id')
    .executeTakeFirstOrThrow();
  userId = user.id;
  published = [];
  requeued = [];
  revoked = [];
  wellness = [];
  stravaCalls = [];
  stravaAnswer = async (id) => ({ ...sample<StravaActivity>('strava-activity-run.json'), id: Number(id) });
  requeueOutcome = 'requeued';
  dailyMetricsError = undefined;
  claimChecks = new Map();
});

/** The worker's normalizer, run at NOW (the time the worker reads once per batch). */
function normalizer(overrides: Partial<NormalizeDeps> = {}) {
  const link = (vendor: 'strava' | 'garmin', vendorUserId: string): VendorLink => ({ id: randomUUID(), userId, vendor, vendorUserId });
  const normalize = createNormalizer({
    db: t.db,
    connections: {
      async resolve(vendor, users) {
        const known = vendor === 'strava' ? ATHLETE : GARMIN_USER;
        return new Map(
          users
            .filter((u) => u.vendorUserId === known && (vendor === 'strava' || u.userAccessToken === GARMIN_TOKEN))
            .map((u) => [u.vendorUserId, link(vendor, u.vendorUserId)]),
        );
      },
      async revoke(vendor, vendorUserId, occurredAt) {
        revoked.push([vendor, vendorUserId, occurredAt]);
      },
      async updateScopes() {},
    },
    strava: {
      async fetchActivity(_link, activityId) {
        stravaCalls.push(activityId);
        return stravaAnswer(activityId);
      },
      // Strava confirms what the sample events claim: the activity is gone, the athlete revoked us.
      activityGone: async () => true,
      stillAuthorized: async () => false,
      spendEventCall: async () => ({ ok: true }),
    },
    claimChecks: {
      async read(pointer) {
        if (!claimChecks.has(pointer)) throw new Error('claim check not found');
        return claimChecks.get(pointer);
      },
    },
    publisher: { publish: async (events) => void published.push(...events) },
    requeue: async (record, delaySeconds) => {
      requeued.push({ messageId: record.messageId, delaySeconds });
      return requeueOutcome;
    },
    dailyMetrics: async (user, days) => {
      if (dailyMetricsError) throw dailyMetricsError;
      wellness.push([user, days]);
    },
    ...overrides,
  });
  return (messages: readonly ReceivedMessage[]) => normalize(messages, NOW);
}

function message(detail: EventDetail<'ActivityReceived'>): ReceivedMessage {
  const messageId = randomUUID();
  return { messageId, record: { messageId, body: '{}' } as SQSRecord, detail, time: '2024-06-01T11:00:00Z' };
}
const strava = (file: string, overrides: Record<string, unknown> = {}) =>
  message({ vendor: 'strava', eventKey: randomUUID(), payload: { ...sample<Record<string, unknown>>(file), ...overrides } });
const garmin = (payload: unknown) => message({ vendor: 'garmin', eventKey: randomUUID(), payload });
const activities = () => t.db.selectFrom('activities').selectAll().where('user_id', '=', userId).orderBy('source').execute();

describe('the normalization worker', () => {
  it('counts the Garmin and Strava copies of one run once, even within one batch', async () => {
    const failed = await normalizer()([garmin(sample('garmin-push-activities.json')), strava('strava-event-create.json')]);
    expect(failed).toEqual(new Set());
    const [fromGarmin, strengthOrStrava, third] = await activities();
    const rows = [fromGarmin, strengthOrStrava, third];
    const run = rows.find((r) => r?.source === 'garmin' && r.type === 'run')!;
    const copy = rows.find((r) => r?.source === 'strava')!;
    expect(rows).toHaveLength(3);
    expect(copy).toMatchObject({ external_id: '11472130281', duplicate_of: run.id, internal_load: null });
    expect(stravaCalls).toEqual(['11472130281']);
  });

  it('drops events of unknown athletes and Garmin users without retrying them', async () => {
    const push = sample<{ activities: Array<Record<string, unknown>> }>('garmin-push-activities.json');
    const failed = await normalizer()([
      strava('strava-event-create.json', { owner_id: 999 }),
      garmin({ activities: push.activities.map((a) => ({ ...a, userAccessToken: 'someone-elses-token' })) }),
    ]);
    expect(failed).toEqual(new Set());
    expect(await activities()).toEqual([]);
    expect(stravaCalls).toEqual([]);
  });

  it('puts Strava events back with the rate limit delay instead of failing them, and stops asking Strava meanwhile', async () => {
    stravaAnswer = async () => {
      throw new RateLimited(600);
    };
    const worker = normalizer({ stravaConcurrency: 1 });
    const first = strava('strava-event-create.json');
    const second = strava('strava-event-update.json');
    expect(await worker([first, second])).toEqual(new Set());
    expect(requeued.map((r) => [r.messageId, Math.round(r.delaySeconds)])).toEqual([
      [first.messageId, 600],
      [second.messageId, 600],
    ]);
    expect(stravaCalls).toHaveLength(1);

    // Without a send permission the delivery itself waits, reported failed so SQS keeps it.
    requeueOutcome = 'visibility-extended';
    const third = strava('strava-event-create.json');
    expect(await worker([third])).toEqual(new Set([third.messageId]));
    expect(stravaCalls).toHaveLength(1);
  });

  it('drops what Strava no longer shows or no longer lets us read, and retries when Strava is down', async () => {
    const gone = strava('strava-event-create.json');
    stravaAnswer = async () => null;
    expect(await normalizer()([gone])).toEqual(new Set());
    stravaAnswer = async () => {
      throw new StravaUnauthorized('activity');
    };
    expect(await normalizer()([strava('strava-event-create.json')])).toEqual(new Set());
    stravaAnswer = async () => {
      throw new StravaUnavailable('activity', 502);
    };
    const down = strava('strava-event-create.json');
    expect(await normalizer()([down, garmin(sample('garmin-push-activities.json'))])).toEqual(new Set([down.messageId]));
    expect((await activities()).map((a) => a.source)).toEqual(['garmin', 'garmin']);
  });

  it('deletes on a Strava delete and revokes links on deauthorization and Garmin deregistration', async () => {
    await normalizer()([strava('strava-event-create.json')]);
    expect(await activities()).toHaveLength(1);
    expect(await normalizer()([strava('strava-event-delete.json'), strava('strava-event-deauth.json'), garmin(sample('garmin-deregistration.json'))])).toEqual(
      new Set(),
    );
    expect(await activities()).toEqual([]);
    // Strava's deauthorization is verified first (an API call), so the two revocations may come in either order.
    expect(revoked).toHaveLength(2);
    expect(revoked).toEqual(
      expect.arrayContaining([
        ['strava', ATHLETE, new Date(1716200000 * 1000)],
        ['garmin', GARMIN_USER, new Date('2024-06-01T11:00:00Z')],
      ]),
    );
  });

  it("a Garmin deregistration or permission change without the user's access token revokes nothing", async () => {
    const forged = garmin({ deregistrations: [{ userId: GARMIN_USER }, { userId: GARMIN_USER, userAccessToken: 'someone-elses-token' }] });
    expect(await normalizer()([forged])).toEqual(new Set());
    expect(revoked).toEqual([]);
  });

  it('reads claim checks, and fails a message whose payload cannot be read or parsed', async () => {
    claimChecks.set('memory:big', sample('garmin-push-activities.json'));
    const big = message({ vendor: 'garmin', eventKey: 'k', claimCheck: 'memory:big' });
    const lost = message({ vendor: 'garmin', eventKey: 'k2', claimCheck: 'memory:lost' });
    const malformed = garmin({ activities: [{ userId: GARMIN_USER }] });
    const anonymousApple = message({ vendor: 'apple', eventKey: 'k3', payload: sample('apple-relay.json') });
    expect(await normalizer()([big, lost, malformed, anonymousApple])).toEqual(new Set([lost.messageId, malformed.messageId, anonymousApple.messageId]));
    expect(await activities()).toHaveLength(2);
  });

  it('stores an impossible activity as a rejection, and hands wellness to the daily metrics', async () => {
    const push = sample<{ activities: Array<Record<string, unknown>> }>('garmin-push-activities.json');
    const bad = { activities: [{ ...push.activities[0], durationInSeconds: 90_000 }] };
    expect(await normalizer()([garmin(bad), garmin(sample('garmin-push-wellness.json'))])).toEqual(new Set());
    const rejections = await t.db.selectFrom('ingest_rejections').selectAll().where('user_id', '=', userId).execute();
    expect(rejections).toMatchObject([{ vendor: 'garmin', external_id: '13012345678', payload_summary: { field: 'durationMinutes', type: 'run' } }]);
    expect(rejections[0]!.reason).toMatch(/24 h/);
    expect(wellness).toEqual([[userId, [{ date: '2024-05-20', restingHr: 48, sleepDurationMinutes: 435, sleepQuality: 8, hrvRmssd: 61 }]]]);

    // A day the metrics refuse (e.g. after the athlete's today) is dropped; an outage is retried.
    dailyMetricsError = new Unprocessable([{ field: 'date', message: 'in the future' }]);
    expect(await normalizer()([garmin(sample('garmin-push-wellness.json'))])).toEqual(new Set());
    dailyMetricsError = new Error('connection reset');
    const retried = garmin(sample('garmin-push-wellness.json'));
    expect(await normalizer()([retried])).toEqual(new Set([retried.messageId]));
  });
});
