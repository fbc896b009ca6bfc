import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { StravaActivity, mapStravaActivity } from '#shared/vendors/strava/activity';
import { stravaActivityType } from '#shared/domain/vendor-activity-types';
import { parseRateLimit } from '#shared/vendors/strava/rate-limit';
import { StravaEvent, StravaSubscriptionQuery, classifyStravaEvent } from '#shared/vendors/strava/webhook';

const event = {
  aspect_type: 'create',
  event_time: 1716112800,
  object_id: 11472130281,
  object_type: 'activity',
  owner_id: 134815,
  subscription_id: 120475,
  updates: {},
};
const activity = {
  id: 11472130281,
  sport_type: 'Run',
  start_date: '2024-05-19T09:02:11Z',
  start_date_local: '2024-05-19T11:02:11Z',
  utc_offset: 7200,
  elapsed_time: 3391,
  moving_time: 3304,
  distance: 12043.7,
  has_heartrate: true,
  average_heartrate: 158.4,
  max_heartrate: 181,
};

const expectRejected = (schema: z.ZodType, input: unknown) => {
  let result: ReturnType<typeof schema.safeParse> | undefined;
  expect(() => (result = schema.safeParse(input))).not.toThrow();
  expect(result?.success).toBe(false);
  expect(result?.error).toBeInstanceOf(z.ZodError);
};

describe('Strava webhook events', () => {
  it('ignores events for another subscription', () => {
    expect(classifyStravaEvent(StravaEvent.parse({ ...event, subscription_id: 999 }), 120475)).toMatchObject({ kind: 'ignore' });
  });

  it('ignores athlete updates that are not a deauthorization', () => {
    const parsed = StravaEvent.parse({ ...event, object_type: 'athlete', aspect_type: 'update', updates: { authorized: 'true' } });
    expect(classifyStravaEvent(parsed)).toMatchObject({ kind: 'ignore' });
  });

  it('treats authorized false written as a boolean as a deauthorization too', () => {
    const parsed = StravaEvent.parse({ ...event, object_type: 'athlete', aspect_type: 'update', updates: { authorized: false } });
    expect(classifyStravaEvent(parsed)).toMatchObject({ kind: 'deauthorize', athleteId: '134815' });
  });

  it('a privacy change refetches the activity', () => {
    const parsed = StravaEvent.parse({ ...event, aspect_type: 'update', updates: { private: 'true' } });
    expect(classifyStravaEvent(parsed)).toMatchObject({ kind: 'activity-upsert', activityId: '11472130281' });
  });

  it("gives Strava's retries of one event the same key", () => {
    const first = classifyStravaEvent(StravaEvent.parse(event));
    const retry = classifyStravaEvent(StravaEvent.parse(structuredClone(event)));
    const later = classifyStravaEvent(StravaEvent.parse({ ...event, aspect_type: 'update', event_time: event.event_time + 60 }));
    expect(retry.eventKey).toBe(first.eventKey);
    expect(later.eventKey).not.toBe(first.eventKey);
  });

  it.each<[string, unknown]>([
    ['an object id written as a string', { ...event, object_id: '11472130281' }],
    ['an unknown aspect type', { ...event, aspect_type: 'explode' }],
    ['a missing owner', { ...event, owner_id: undefined }],
    ['an id beyond exact integers', { ...event, subscription_id: 1e30 }],
    ['a 1 MB title', { ...event, updates: { title: 'x'.repeat(1_000_000) } }],
    ['a nested object where a flag belongs', { ...event, updates: { authorized: nested(10_000) } }],
    ['an array instead of an event', Array.from({ length: 100_000 }, () => event)],
    ['null', null],
  ])('rejects %s with a ZodError', (_, input) => expectRejected(StravaEvent, input));

  it('drops unknown keys in updates unread, however deep', () => {
    const parsed = StravaEvent.parse({ ...event, updates: { junk: nested(10_000) }, extra: 'x'.repeat(1_000_000) });
    expect(parsed.updates).toEqual({});
    expect(parsed).not.toHaveProperty('extra');
  });
});

describe('Strava subscription validation query', () => {
  it.each<[string, unknown]>([
    ['a mode other than subscribe', { 'hub.mode': 'unsubscribe', 'hub.challenge': 'c', 'hub.verify_token': 't' }],
    ['a missing challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 't' }],
    ['a 1 MB challenge', { 'hub.mode': 'subscribe', 'hub.challenge': 'x'.repeat(1_000_000), 'hub.verify_token': 't' }],
  ])('rejects %s', (_, input) => expectRejected(StravaSubscriptionQuery, input));
});

describe('Strava DetailedActivity mapping', () => {
  it.each<[string | undefined, boolean, string]>([
    ['Run', false, 'run'],
    ['Run', true, 'treadmill'],
    ['TrailRun', false, 'trail_run'],
    ['VirtualRun', false, 'treadmill'],
    ['Ride', true, 'ride'],
    ['GravelRide', false, 'ride'],
    ['Walk', false, 'walk'],
    ['Hike', false, 'walk'],
    ['WeightTraining', false, 'strength'],
    ['Swim', false, 'cross_training'],
    ['HighIntensityIntervalTraining', false, 'cross_training'],
    ['Yoga', false, 'other'],
    ['Quidditch', false, 'other'],
    ['constructor', false, 'other'],
    [undefined, false, 'other'],
  ])('sport_type %s (trainer %s) -> %s', (sportType, trainer, expected) => {
    expect(stravaActivityType(sportType, trainer)).toBe(expected);
  });

  it('falls back to the deprecated type when sport_type is missing', () => {
    const { sport_type: _, ...old } = activity;
    expect(mapStravaActivity(StravaActivity.parse({ ...old, type: 'Ride' })).type).toBe('ride');
  });

  it('takes the session duration from elapsed_time, not moving_time', () => {
    expect(mapStravaActivity(StravaActivity.parse(activity)).durationMinutes).toBe(3391 / 60);
  });

  it('takes the local date from start_date_local despite its Z', () => {
    const lateEvening = { ...activity, start_date: '2024-05-19T23:30:00Z', start_date_local: '2024-05-20T01:30:00Z' };
    expect(mapStravaActivity(StravaActivity.parse(lateEvening))).toMatchObject({
      startTime: '2024-05-19T23:30:00Z',
      vendorLocalDate: '2024-05-20',
    });
  });

  it('drops heart rate Strava says it does not have', () => {
    const mapped = mapStravaActivity(StravaActivity.parse({ ...activity, has_heartrate: false }));
    expect(mapped).toMatchObject({ avgHr: null, maxHr: null });
  });

  it('keeps the fields it does not read', () => {
    expect(StravaActivity.parse({ ...activity, name: 'Tempo Tuesday' }).name).toBe('Tempo Tuesday');
  });

  it.each<[string, unknown]>([
    ['an elapsed time written as a string', { ...activity, elapsed_time: '3391' }],
    ['a start without a zone', { ...activity, start_date: '2024-05-19T09:02:11' }],
    ['a 1 MB device name', { ...activity, device_name: 'x'.repeat(1_000_000) }],
    ['a missing id', { ...activity, id: undefined }],
  ])('rejects %s with a ZodError', (_, input) => expectRejected(StravaActivity, input));
});

describe('Strava rate limits', () => {
  const at = new Date('2024-05-19T10:07:30Z');
  const headers = (limit: string, usage: string) => ({ 'x-ratelimit-limit': limit, 'x-ratelimit-usage': usage });

  it('reads both windows and waits for nothing while budget remains', () => {
    expect(parseRateLimit(headers('200,2000', '12,1500'), at)).toEqual({
      overall: {
        fifteenMinute: { limit: 200, usage: 12, resetsAt: new Date('2024-05-19T10:15:00Z') },
        daily: { limit: 2000, usage: 1500, resetsAt: new Date('2024-05-20T00:00:00Z') },
      },
      read: null,
      retryAt: null,
      backoffSeconds: 0,
    });
  });

  it('a spent 15-minute window waits until the next quarter hour UTC', () => {
    expect(parseRateLimit(headers('200,2000', '200,1500'), at)).toMatchObject({
      retryAt: new Date('2024-05-19T10:15:00Z'),
      backoffSeconds: 450,
    });
  });

  it('a spent daily window waits until midnight UTC', () => {
    expect(parseRateLimit(headers('200,2000', '50,2000'), at)).toMatchObject({
      retryAt: new Date('2024-05-20T00:00:00Z'),
      backoffSeconds: 13 * 3600 + 52 * 60 + 30,
    });
  });

  it('both spent: the later reset wins', () => {
    expect(parseRateLimit(headers('200,2000', '201,2001'), at).retryAt).toEqual(new Date('2024-05-20T00:00:00Z'));
  });

  it('the quarter hour before midnight resets at midnight', () => {
    expect(parseRateLimit(headers('200,2000', '200,10'), new Date('2024-05-19T23:52:00Z')).retryAt).toEqual(new Date('2024-05-20T00:00:00Z'));
  });

  it('a spent read budget backs off even when the overall one is not', () => {
    const result = parseRateLimit({ ...headers('200,2000', '150,1000'), 'X-ReadRateLimit-Limit': '100,1000', 'X-ReadRateLimit-Usage': '100,900' }, at);
    expect(result.read?.fifteenMinute).toMatchObject({ limit: 100, usage: 100 });
    expect(result.backoffSeconds).toBe(450);
  });

  it('a 429 without a spent window still waits for the next quarter hour', () => {
    expect(parseRateLimit({}, at, 429)).toEqual({ overall: null, read: null, retryAt: new Date('2024-05-19T10:15:00Z'), backoffSeconds: 450 });
  });

  it('reads a fetch Headers object, whatever the case', () => {
    const fetched = new Headers({ 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '200,3' });
    expect(parseRateLimit(fetched, at).backoffSeconds).toBe(450);
  });

  it('ignores malformed headers rather than guessing', () => {
    expect(parseRateLimit(headers('lots', '1,2,3'), at)).toEqual({ overall: null, read: null, retryAt: null, backoffSeconds: 0 });
  });
});

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
