// The Apple Health relay: our app reads HKWorkout and daily samples and posts them in our own contract.
// Pure: the relay handler and worker call these and do the I/O.
import * as z from 'zod';
import {
  type ActivityCandidate,
  type ActivityType,
  type DailyMetricCandidate,
  distanceOrNull,
  normaliseSamples,
  plausible,
  roundOrNull,
  toUtcInstant,
} from '../activity';

// An offset is required: a wall time without one names no single instant.
const isoWithOffset = z.iso.datetime({ offset: true });
const amount = z.number().nullish();

export const AppleWorkout = z.object({
  /** HKObject UUID: stable, the idempotency key. */
  uuid: z.guid(),
  /** HKWorkoutActivityType name (HKWorkoutActivityTypeRunning) or its short form (running). */
  activityType: z.string().min(1).max(100),
  startDate: isoWithOffset,
  endDate: isoWithOffset,
  /** HKWorkout.duration: excludes pauses, so it is not the session duration (see mapAppleWorkout). */
  durationSeconds: z.number(),
  distanceMeters: amount,
  energyKcal: amount,
  avgHeartRate: amount,
  maxHeartRate: amount,
  elevationGainMeters: amount,
  indoor: z.boolean().nullish(),
  rpe: amount,
  heartRateSamples: z
    .array(z.object({ time: isoWithOffset, bpm: z.number() }))
    .max(20_000)
    .nullish(),
});
export type AppleWorkout = z.infer<typeof AppleWorkout>;

export const AppleDaily = z.object({
  date: z.iso.date(),
  restingHeartRate: amount,
  /** HealthKit's HRV is SDNN, not rMSSD. */
  hrvSdnnMs: amount,
  sleepMinutes: amount,
});
export type AppleDaily = z.infer<typeof AppleDaily>;

export const AppleRelay = z
  .object({
    workouts: z.array(AppleWorkout).max(500).default([]),
    dailies: z.array(AppleDaily).max(400).optional(),
  })
  .meta({
    id: 'AppleRelay',
    examples: [
      {
        workouts: [
          {
            uuid: '3F2504E0-4F89-11D3-9A0C-0305E82C3301',
            activityType: 'HKWorkoutActivityTypeRunning',
            startDate: '2024-05-01T07:30:00+02:00',
            endDate: '2024-05-01T08:24:00+02:00',
            durationSeconds: 3120,
            distanceMeters: 10_000,
            avgHeartRate: 148,
            maxHeartRate: 171,
            rpe: 6,
          },
        ],
        dailies: [{ date: '2024-05-01', restingHeartRate: 48, hrvSdnnMs: 52.3, sleepMinutes: 450 }],
      },
    ],
  });
export type AppleRelay = z.infer<typeof AppleRelay>;

// cross_training: endurance and sport sessions that load the body like training; other: mind-body,
// leisure and skill sports and unknown types. Keys are the names lower-cased without prefix or separators.
const appleTypes: Readonly<Record<string, ActivityType>> = {
  running: 'run',
  trailrunning: 'trail_run',
  walking: 'walk',
  hiking: 'walk',
  cycling: 'ride',
  handcycling: 'ride',
  traditionalstrengthtraining: 'strength',
  functionalstrengthtraining: 'strength',
  strengthtraining: 'strength',
  coretraining: 'strength',
  swimming: 'cross_training',
  rowing: 'cross_training',
  elliptical: 'cross_training',
  stairclimbing: 'cross_training',
  stairs: 'cross_training',
  steptraining: 'cross_training',
  highintensityintervaltraining: 'cross_training',
  mixedcardio: 'cross_training',
  crosstraining: 'cross_training',
  crosscountryskiing: 'cross_training',
  paddlesports: 'cross_training',
  skatingsports: 'cross_training',
  jumprope: 'cross_training',
  climbing: 'cross_training',
  kickboxing: 'cross_training',
  boxing: 'cross_training',
  martialarts: 'cross_training',
  wheelchairrunpace: 'cross_training',
  soccer: 'cross_training',
  basketball: 'cross_training',
  tennis: 'cross_training',
  badminton: 'cross_training',
  squash: 'cross_training',
  tabletennis: 'cross_training',
  pickleball: 'cross_training',
  racquetball: 'cross_training',
  volleyball: 'cross_training',
  handball: 'cross_training',
  hockey: 'cross_training',
  rugby: 'cross_training',
  cardiodance: 'cross_training',
};

export function appleActivityType(activityType: string, indoor: boolean): ActivityType {
  const key = activityType
    .replace(/^HKWorkoutActivityType/i, '')
    .replace(/[^a-z]/gi, '')
    .toLowerCase();
  const type = (Object.hasOwn(appleTypes, key) ? appleTypes[key] : undefined) ?? 'other';
  // HealthKit has no treadmill type: an indoor run (HKMetadataKeyIndoorWorkout) is one.
  return indoor && type === 'run' ? 'treadmill' : type;
}

/** Seconds east of UTC from an ISO 8601 suffix ('Z', '+02:00'). */
function offsetSecondsOf(iso: string): number {
  const match = iso.match(/([+-])(\d{2}):(\d{2})$/);
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

/**
 * Duration is endDate - startDate, the whole session as Strava's elapsed_time and Garmin's duration:
 * session-RPE rates the whole session (Foster 2001), and the duplicate check compares like with like.
 * durationSeconds (pauses excluded) is the moving-time analogue and is not used for load.
 */
export function mapAppleWorkout(w: AppleWorkout): ActivityCandidate {
  const start = Date.parse(w.startDate);
  const sessionSeconds = (Date.parse(w.endDate) - start) / 1000;
  return {
    source: 'apple',
    // HealthKit prints UUIDs upper-case; one spelling keeps the idempotency key stable.
    externalId: w.uuid.toUpperCase(),
    type: appleActivityType(w.activityType, w.indoor === true),
    startTime: toUtcInstant(start),
    durationMinutes: sessionSeconds / 60,
    distanceMeters: distanceOrNull(w.distanceMeters),
    avgHr: roundOrNull(w.avgHeartRate),
    maxHr: roundOrNull(w.maxHeartRate),
    elevationGainMeters: w.elevationGainMeters ?? null,
    rpe: roundOrNull(w.rpe),
    // The wall-clock date where the workout started, as the device saw it.
    vendorLocalDate: w.startDate.slice(0, 10),
    utcOffsetSeconds: offsetSecondsOf(w.startDate),
    samples: normaliseSamples(
      (w.heartRateSamples ?? []).map((s) => ({ offsetSeconds: Math.round((Date.parse(s.time) - start) / 1000), hr: s.bpm })),
      Math.max(0, sessionSeconds),
    ),
    deviceName: null,
  };
}

/** Implausible or zero values mean "not measured" and are left out rather than rejecting the day. */
export function mapAppleDaily(d: AppleDaily): DailyMetricCandidate {
  const metric: DailyMetricCandidate = { date: d.date };
  const restingHr = plausible(d.restingHeartRate, 25, 120);
  if (restingHr !== undefined) metric.restingHr = Math.round(restingHr);
  const sdnn = plausible(d.hrvSdnnMs, 1, 499);
  if (sdnn !== undefined) metric.hrvSdnnMs = sdnn;
  const sleep = plausible(d.sleepMinutes, 0, 24 * 60);
  if (sleep !== undefined) metric.sleepDurationMinutes = Math.round(sleep);
  return metric;
}

export function mapAppleRelay(relay: AppleRelay): { activities: ActivityCandidate[]; dailies: DailyMetricCandidate[] } {
  return { activities: relay.workouts.map(mapAppleWorkout), dailies: (relay.dailies ?? []).map(mapAppleDaily) };
}
