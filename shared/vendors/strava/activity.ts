// Strava's DetailedActivity, the fields we read, and its mapping to an activity candidate. Pure.
// https://developers.strava.com/docs/reference/#api-models-DetailedActivity
import * as z from 'zod';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';
import { stravaActivityType } from '#shared/domain/vendor-activity-types';
import { distanceOrNull, roundOrNull, toUtcInstant } from '#shared/domain/vendor-values';

// Strava ids are 64-bit; today's values are far below 2^53, and z.int() refuses anything that is not exact.
export const stravaId = z.int().positive();
const isoInstant = z.iso.datetime({ offset: true });

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

// ---- mapping --------------------------------------------------------------------------------------

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
