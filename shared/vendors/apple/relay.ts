// The Apple Health relay: our app reads HKWorkout and daily samples and posts them in our own contract.
// Pure: the relay handler and worker call these and do the I/O.
import * as z from 'zod';
import { type ActivityCandidate, type DailyMetricCandidate, normaliseSamples, plausible, WELLNESS_BOUNDS } from '#shared/domain/activity-candidate';
import { appleActivityType } from '#shared/domain/vendor-activity-types';
import { distanceOrNull, roundOrNull, toUtcInstant, utcOffsetSecondsOf } from '#shared/domain/vendor-values';

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
    utcOffsetSeconds: utcOffsetSecondsOf(w.startDate),
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
  const restingHr = plausible(d.restingHeartRate, ...WELLNESS_BOUNDS.restingHr);
  if (restingHr !== undefined) metric.restingHr = Math.round(restingHr);
  const sdnn = plausible(d.hrvSdnnMs, ...WELLNESS_BOUNDS.hrvMs);
  if (sdnn !== undefined) metric.hrvSdnnMs = sdnn;
  const sleep = plausible(d.sleepMinutes, ...WELLNESS_BOUNDS.sleepMinutes);
  if (sleep !== undefined) metric.sleepDurationMinutes = Math.round(sleep);
  return metric;
}

export function mapAppleRelay(relay: AppleRelay): { activities: ActivityCandidate[]; dailies: DailyMetricCandidate[] } {
  return { activities: relay.workouts.map(mapAppleWorkout), dailies: (relay.dailies ?? []).map(mapAppleDaily) };
}
