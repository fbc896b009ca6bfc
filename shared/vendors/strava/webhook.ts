// Strava: webhook events, subscription validation, DetailedActivity, token responses and rate-limit headers.
// Pure: the API client, webhook handler and worker call these and do the I/O.
// https://developers.strava.com/docs/webhooks/ and https://developers.strava.com/docs/reference/
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { type ActivityCandidate, type ActivityType, distanceOrNull, roundOrNull, toUtcInstant } from '../activity';

// Strava ids are 64-bit; today's values are far below 2^53, and z.int() refuses anything that is not exact.
const stravaId = z.int().positive();
// Strava writes booleans in `updates` as the strings "true"/"false".
const stravaFlag = z.union([z.enum(['true', 'false']), z.boolean()]);
const isoInstant = z.iso.datetime({ offset: true });

// ---- webhook --------------------------------------------------------------------------------------

export const StravaEvent = z
  .object({
    object_type: z.enum(['activity', 'athlete']),
    object_id: stravaId,
    aspect_type: z.enum(['create', 'update', 'delete']),
    // Known keys only: anything else is dropped unread, so a hostile `updates` cannot make us walk it.
    updates: z
      .object({
        title: z.string().max(1000).optional(),
        type: z.string().max(64).optional(),
        sport_type: z.string().max(64).optional(),
        private: stravaFlag.optional(),
        authorized: stravaFlag.optional(),
      })
      .default({}),
    owner_id: stravaId,
    subscription_id: stravaId,
    event_time: z.int().nonnegative(),
  })
  .meta({
    id: 'StravaEvent',
    examples: [
      {
        object_type: 'activity',
        object_id: 11_846_259_375,
        aspect_type: 'create',
        updates: {},
        owner_id: 134_815,
        subscription_id: 120_475,
        event_time: 1_714_545_600,
      },
    ],
  });
export type StravaEvent = z.infer<typeof StravaEvent>;

export type StravaEventAction =
  | { kind: 'activity-upsert'; athleteId: string; activityId: string; eventKey: string }
  | { kind: 'activity-delete'; athleteId: string; activityId: string; eventKey: string }
  | { kind: 'deauthorize'; athleteId: string; eventKey: string }
  | { kind: 'ignore'; reason: string; eventKey: string };

/**
 * What an event asks us to do. Events carry no activity data, so create and every update alike mean
 * "fetch the activity and upsert it". `eventKey` is identical for Strava's retries of one event: the
 * idempotency key. Ids are strings because we store them as text.
 */
export function classifyStravaEvent(event: StravaEvent, ourSubscriptionId?: number): StravaEventAction {
  const eventKey = `strava:${event.subscription_id}:${event.object_type}:${event.object_id}:${event.aspect_type}:${event.event_time}`;
  if (ourSubscriptionId !== undefined && event.subscription_id !== ourSubscriptionId) {
    return { kind: 'ignore', reason: `subscription ${event.subscription_id} is not ours`, eventKey };
  }
  const athleteId = String(event.owner_id);
  if (event.object_type === 'athlete') {
    const authorized = event.updates.authorized;
    if (event.aspect_type === 'update' && (authorized === 'false' || authorized === false)) {
      return { kind: 'deauthorize', athleteId, eventKey };
    }
    return { kind: 'ignore', reason: 'athlete event other than a deauthorization', eventKey };
  }
  const activityId = String(event.object_id);
  if (event.aspect_type === 'delete') return { kind: 'activity-delete', athleteId, activityId, eventKey };
  return { kind: 'activity-upsert', athleteId, activityId, eventKey };
}

export const StravaSubscriptionQuery = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.challenge': z.string().min(1).max(256),
  'hub.verify_token': z.string().min(1).max(256),
});
export type StravaSubscriptionQuery = z.infer<typeof StravaSubscriptionQuery>;

/** Echo the challenge only to someone who knows our verify token (compared in constant time). */
export function answerSubscriptionValidation(
  query: StravaSubscriptionQuery,
  verifyToken: string,
): { status: 200; body: { 'hub.challenge': string } } | { status: 403 } {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(query['hub.verify_token']), digest(verifyToken))
    ? { status: 200, body: { 'hub.challenge': query['hub.challenge'] } }
    : { status: 403 };
}

// ---- API responses --------------------------------------------------------------------------------

/** GET /api/v3/activities/{id}: the fields we use; the rest passes through untouched. */
export const StravaActivity = z.looseObject({
  id: stravaId,
  athlete: z.looseObject({ id: stravaId }).optional(),
  sport_type: z.string().max(64).optional(),
  /** Deprecated by Strava in favour of sport_type; read only when sport_type is missing. */
  type: z.string().max(64).optional(),
  start_date: isoInstant,
  /** Local wall time written with a misleading Z: only its calendar date is used. */
  start_date_local: isoInstant,
  utc_offset: z.number().nullish(),
  elapsed_time: z.number(),
  moving_time: z.number().nullish(),
  distance: z.number().nullish(),
  total_elevation_gain: z.number().nullish(),
  has_heartrate: z.boolean().nullish(),
  average_heartrate: z.number().nullish(),
  max_heartrate: z.number().nullish(),
  manual: z.boolean().nullish(),
  trainer: z.boolean().nullish(),
  perceived_exertion: z.number().nullish(),
  external_id: z.string().max(255).nullish(),
  device_name: z.string().max(255).nullish(),
});
export type StravaActivity = z.infer<typeof StravaActivity>;

/** POST /oauth/token (authorization_code or refresh_token). Each refresh may rotate the refresh token. */
export const StravaTokenResponse = z.object({
  token_type: z.string().max(32),
  access_token: z.string().min(1).max(1024),
  refresh_token: z.string().min(1).max(1024),
  /** Epoch seconds. */
  expires_at: z.int().positive(),
  expires_in: z.int().optional(),
  athlete: z.looseObject({ id: stravaId }).optional(),
});
export type StravaTokenResponse = z.infer<typeof StravaTokenResponse>;

// ---- mapping --------------------------------------------------------------------------------------

// cross_training: endurance and sport sessions that load the body like training; other: mind-body,
// leisure and skill sports, and any sport_type Strava adds that we do not know yet.
const stravaTypes: Readonly<Record<string, ActivityType>> = {
  Run: 'run',
  TrailRun: 'trail_run',
  VirtualRun: 'treadmill',
  Ride: 'ride',
  VirtualRide: 'ride',
  EBikeRide: 'ride',
  EMountainBikeRide: 'ride',
  MountainBikeRide: 'ride',
  GravelRide: 'ride',
  Handcycle: 'ride',
  Velomobile: 'ride',
  Walk: 'walk',
  Hike: 'walk',
  WeightTraining: 'strength',
  Swim: 'cross_training',
  Rowing: 'cross_training',
  VirtualRow: 'cross_training',
  Elliptical: 'cross_training',
  StairStepper: 'cross_training',
  NordicSki: 'cross_training',
  BackcountrySki: 'cross_training',
  RollerSki: 'cross_training',
  Snowshoe: 'cross_training',
  Canoeing: 'cross_training',
  Kayaking: 'cross_training',
  StandUpPaddling: 'cross_training',
  InlineSkate: 'cross_training',
  IceSkate: 'cross_training',
  HighIntensityIntervalTraining: 'cross_training',
  Crossfit: 'cross_training',
  Workout: 'cross_training',
  RockClimbing: 'cross_training',
  Wheelchair: 'cross_training',
  Soccer: 'cross_training',
  Tennis: 'cross_training',
  Squash: 'cross_training',
  Badminton: 'cross_training',
  Pickleball: 'cross_training',
  Racquetball: 'cross_training',
  TableTennis: 'cross_training',
  Padel: 'cross_training',
  Basketball: 'cross_training',
  Volleyball: 'cross_training',
};

const isRunning = (t: ActivityType) => t === 'run' || t === 'trail_run' || t === 'treadmill';

export function stravaActivityType(sportType: string | null | undefined, trainer: boolean): ActivityType {
  const type = (sportType && Object.hasOwn(stravaTypes, sportType) ? stravaTypes[sportType] : undefined) ?? 'other';
  // `trainer` means it happened indoors: a run on a trainer is a treadmill run whatever the sport type says.
  return trainer && isRunning(type) ? 'treadmill' : type;
}

/**
 * Duration is elapsed_time, not moving_time: session-RPE rates the whole session, stops included
 * (Foster 2001), and Garmin's and Apple's durations are elapsed too, which the duplicate check relies on.
 * Workout tags (race, long run) are not read: Garmin has none, and the same run must get one type.
 */
export function mapStravaActivity(activity: StravaActivity): ActivityCandidate {
  const hr = activity.has_heartrate !== false;
  return {
    source: 'strava',
    externalId: String(activity.id),
    type: stravaActivityType(activity.sport_type ?? activity.type, activity.trainer === true),
    startTime: toUtcInstant(Date.parse(activity.start_date)),
    durationMinutes: activity.elapsed_time / 60,
    distanceMeters: distanceOrNull(activity.distance),
    avgHr: hr ? roundOrNull(activity.average_heartrate) : null,
    maxHr: hr ? roundOrNull(activity.max_heartrate) : null,
    elevationGainMeters: activity.total_elevation_gain ?? null,
    rpe: roundOrNull(activity.perceived_exertion),
    vendorLocalDate: activity.start_date_local.slice(0, 10),
    utcOffsetSeconds: activity.utc_offset == null ? null : Math.round(activity.utc_offset),
    // Streams are a separate API call; the summary is enough for load.
    samples: [],
    deviceName: activity.device_name ?? null,
  };
}

// ---- rate limits ----------------------------------------------------------------------------------

export interface RateLimitWindow {
  limit: number;
  usage: number;
  resetsAt: Date;
}
export interface RateLimitBudget {
  fifteenMinute: RateLimitWindow;
  daily: RateLimitWindow;
}
export interface StravaRateLimit {
  /** X-RateLimit-Limit / X-RateLimit-Usage: every request. */
  overall: RateLimitBudget | null;
  /** X-ReadRateLimit-*: Strava's separate, smaller budget for reads, which our GETs also spend. */
  read: RateLimitBudget | null;
  /** When requests may resume; null when no budget is spent and the response was not a 429. */
  retryAt: Date | null;
  /** Whole seconds until retryAt; 0 when there is nothing to wait for. */
  backoffSeconds: number;
}

export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * Reads Strava's "15min,daily" limit and usage headers. A spent window is waited out to its reset: the
 * 15-minute windows reset at :00/:15/:30/:45 UTC, the daily one at midnight UTC. A 429 whose headers show
 * no spent window (another process raced us) waits for the next quarter hour.
 */
export function parseRateLimit(headers: HeaderSource, now: Date, status?: number): StravaRateLimit {
  const nextQuarter = new Date(Math.floor(now.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS);
  const nextMidnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const budget = (prefix: string): RateLimitBudget | null => {
    const limit = pair(header(headers, `${prefix}-Limit`));
    const usage = pair(header(headers, `${prefix}-Usage`));
    if (!limit || !usage) return null;
    return {
      fifteenMinute: { limit: limit[0], usage: usage[0], resetsAt: nextQuarter },
      daily: { limit: limit[1], usage: usage[1], resetsAt: nextMidnight },
    };
  };
  const overall = budget('X-RateLimit');
  const read = budget('X-ReadRateLimit');
  const spent = [overall, read]
    .flatMap((b) => (b ? [b.fifteenMinute, b.daily] : []))
    .filter((w) => w.usage >= w.limit)
    .map((w) => w.resetsAt.getTime());
  if (spent.length === 0 && status === 429) spent.push(nextQuarter.getTime());
  if (spent.length === 0) return { overall, read, retryAt: null, backoffSeconds: 0 };
  const retryAt = new Date(Math.max(...spent));
  return { overall, read, retryAt, backoffSeconds: Math.ceil((retryAt.getTime() - now.getTime()) / 1000) };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (key.toLowerCase() === wanted) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

function pair(value: string | undefined): [number, number] | null {
  const match = value?.match(/^\s*(\d{1,12})\s*,\s*(\d{1,12})\s*$/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}
