// Garmin Health and Activity API push notifications, mapped to activity and daily-metric candidates.
// Pure: the webhook handler and worker call these and do the I/O.
// One push holds many users' summaries, so every result carries the Garmin userId it belongs to.
import * as z from 'zod';
import {
  type ActivityCandidate,
  type ActivitySample,
  type DailyMetricCandidate,
  normaliseSamples,
  plausible,
  WELLNESS_BOUNDS,
} from '#shared/domain/activity-candidate';
import { garminActivityType } from '#shared/domain/vendor-activity-types';
import { distanceOrNull, localDateAt, paceFromSpeed, roundOrNull, toUtcInstant } from '#shared/domain/vendor-values';

const MAX_ITEMS = 1000;
// One sample a second over the longest session we accept (24 h).
const MAX_SAMPLES = 86_400;

const userId = z.string().min(1).max(128);
const userAccessToken = z.string().max(512).optional();
const summaryId = z.string().min(1).max(128);
const epochSeconds = z.int().nonnegative();

const activityFields = {
  activityId: z.int().nonnegative().optional(),
  activityName: z.string().max(500).optional(),
  activityType: z.string().max(64).optional(),
  startTimeInSeconds: epochSeconds,
  startTimeOffsetInSeconds: z.int().optional(),
  durationInSeconds: z.number(),
  distanceInMeters: z.number().optional(),
  averageHeartRateInBeatsPerMinute: z.number().optional(),
  maxHeartRateInBeatsPerMinute: z.number().optional(),
  totalElevationGainInMeters: z.number().optional(),
  deviceName: z.string().max(255).optional(),
  manual: z.boolean().optional(),
};

export const GarminActivitySummary = z.object({ userId, userAccessToken, summaryId, ...activityFields });
export type GarminActivitySummary = z.infer<typeof GarminActivitySummary>;

export const GarminActivitySample = z.object({
  startTimeInSeconds: epochSeconds,
  heartRate: z.number().optional(),
  speedMetersPerSecond: z.number().optional(),
  stepsPerMinute: z.number().optional(),
  bikeCadenceInRPM: z.number().optional(),
  powerInWatts: z.number().optional(),
});
export type GarminActivitySample = z.infer<typeof GarminActivitySample>;

export const GarminActivityDetail = z.object({
  userId,
  userAccessToken,
  /** '<activityId>-detail'. */
  summaryId,
  activityId: z.int().nonnegative().optional(),
  summary: z.object(activityFields),
  samples: z.array(GarminActivitySample).max(MAX_SAMPLES).optional(),
});
export type GarminActivityDetail = z.infer<typeof GarminActivityDetail>;

const wellnessFields = { userId, userAccessToken, summaryId, calendarDate: z.iso.date() };

export const GarminDaily = z.object({ ...wellnessFields, restingHeartRateInBeatsPerMinute: z.number().optional() });
export const GarminSleep = z.object({
  ...wellnessFields,
  durationInSeconds: z.number().optional(),
  deepSleepDurationInSeconds: z.number().optional(),
  lightSleepDurationInSeconds: z.number().optional(),
  remSleepInSeconds: z.number().optional(),
  awakeDurationInSeconds: z.number().optional(),
  overallSleepScore: z.object({ value: z.number(), qualifierKey: z.string().max(64).optional() }).optional(),
});
export type GarminSleep = z.infer<typeof GarminSleep>;
export const GarminHrv = z.object({ ...wellnessFields, lastNightAvg: z.number().optional() });

export const GarminPush = z
  .object({
    activities: z.array(GarminActivitySummary).max(MAX_ITEMS).optional(),
    manuallyUpdatedActivities: z.array(GarminActivitySummary).max(MAX_ITEMS).optional(),
    activityDetails: z.array(GarminActivityDetail).max(MAX_ITEMS).optional(),
    dailies: z.array(GarminDaily).max(MAX_ITEMS).optional(),
    sleeps: z.array(GarminSleep).max(MAX_ITEMS).optional(),
    hrv: z.array(GarminHrv).max(MAX_ITEMS).optional(),
    deregistrations: z.array(z.object({ userId, userAccessToken })).max(MAX_ITEMS).optional(),
    userPermissionsChange: z
      .array(
        z.object({
          userId,
          userAccessToken,
          permissions: z.array(z.string().max(64)).max(32),
          changeTimeInSeconds: epochSeconds.optional(),
        }),
      )
      .max(MAX_ITEMS)
      .optional(),
    // Summary types we do not use (stressDetails, epochs, userMetrics, ...) are dropped unread.
  })
  .meta({
    id: 'GarminPush',
    examples: [
      {
        activities: [
          {
            userId: 'a1b2c3d4-e5f6-4789-abcd-ef0123456789',
            userAccessToken: 'c9d8e7f6-a5b4-4c3d-2e1f-0a9b8c7d6e5f',
            summaryId: '12345678901',
            activityId: 12_345_678_901,
            activityType: 'RUNNING',
            startTimeInSeconds: 1_714_541_400,
            startTimeOffsetInSeconds: 7200,
            durationInSeconds: 3120,
            distanceInMeters: 10_000,
            averageHeartRateInBeatsPerMinute: 148,
          },
        ],
      },
    ],
  });
export type GarminPush = z.infer<typeof GarminPush>;

// ---- activities -----------------------------------------------------------------------------------

type GarminActivityFields = z.infer<z.ZodObject<typeof activityFields>>;

/**
 * The external id is activityId, shared by the summary, its details and manual updates (and quoted by
 * Strava as external_id "garmin_push_<activityId>"); summaryId is the fallback. durationInSeconds is the
 * elapsed session, as Strava's elapsed_time.
 */
export function mapGarminActivity(summary: GarminActivityFields & { summaryId: string }, samples: readonly GarminActivitySample[] = []): ActivityCandidate {
  const offset = summary.startTimeOffsetInSeconds;
  return {
    source: 'garmin',
    externalId: summary.activityId !== undefined ? String(summary.activityId) : summary.summaryId,
    type: garminActivityType(summary.activityType),
    startTime: toUtcInstant(summary.startTimeInSeconds * 1000),
    durationMinutes: summary.durationInSeconds / 60,
    distanceMeters: distanceOrNull(summary.distanceInMeters),
    avgHr: roundOrNull(summary.averageHeartRateInBeatsPerMinute),
    maxHr: roundOrNull(summary.maxHeartRateInBeatsPerMinute),
    elevationGainMeters: summary.totalElevationGainInMeters ?? null,
    // Garmin's push carries no session RPE: the athlete is asked for it.
    rpe: null,
    vendorLocalDate: offset === undefined ? null : localDateAt(summary.startTimeInSeconds, offset),
    utcOffsetSeconds: offset ?? null,
    samples: normaliseSamples(
      samples.map((s) => garminSample(s, summary.startTimeInSeconds)),
      summary.durationInSeconds,
    ),
    deviceName: summary.deviceName ?? null,
  };
}

function garminSample(s: GarminActivitySample, startSeconds: number): ActivitySample {
  return {
    offsetSeconds: s.startTimeInSeconds - startSeconds,
    hr: s.heartRate,
    paceSecondsPerKm: paceFromSpeed(s.speedMetersPerSecond),
    cadence: s.stepsPerMinute ?? s.bikeCadenceInRPM,
    power: s.powerInWatts,
  };
}

export function mapGarminActivityDetail(detail: GarminActivityDetail): ActivityCandidate {
  return mapGarminActivity(
    {
      ...detail.summary,
      activityId: detail.activityId ?? detail.summary.activityId,
      summaryId: detail.summaryId.replace(/-detail$/, ''),
    },
    detail.samples,
  );
}

export interface GarminActivityCandidate {
  garminUserId: string;
  candidate: ActivityCandidate;
}

/**
 * Every activity in a push, one per (user, activity): summaries, then details, then manual updates, later
 * ones winning, except that a summary without samples never erases samples the details brought.
 */
export function mapGarminActivities(push: GarminPush): GarminActivityCandidate[] {
  const byActivity = new Map<string, GarminActivityCandidate>();
  const put = (garminUserId: string, candidate: ActivityCandidate) => {
    const key = JSON.stringify([garminUserId, candidate.externalId]);
    const earlierSamples = byActivity.get(key)?.candidate.samples ?? [];
    const samples = candidate.samples.length > 0 ? candidate.samples : earlierSamples;
    byActivity.set(key, { garminUserId, candidate: { ...candidate, samples } });
  };
  for (const s of push.activities ?? []) put(s.userId, mapGarminActivity(s));
  for (const d of push.activityDetails ?? []) put(d.userId, mapGarminActivityDetail(d));
  for (const s of push.manuallyUpdatedActivities ?? []) put(s.userId, mapGarminActivity(s));
  return [...byActivity.values()];
}

// ---- wellness -------------------------------------------------------------------------------------

/**
 * Sleep is deep + light + REM: time awake in bed is not sleep (Garmin's durationInSeconds includes it).
 * Without stages, durationInSeconds minus awake time is the best estimate.
 */
export function garminSleepMinutes(s: GarminSleep): number | undefined {
  const stages = [s.deepSleepDurationInSeconds, s.lightSleepDurationInSeconds, s.remSleepInSeconds];
  const seconds = stages.some((v) => v !== undefined)
    ? stages.reduce<number>((sum, v) => sum + (v ?? 0), 0)
    : s.durationInSeconds === undefined
      ? undefined
      : s.durationInSeconds - (s.awakeDurationInSeconds ?? 0);
  return plausible(seconds === undefined ? undefined : Math.round(seconds / 60), ...WELLNESS_BOUNDS.sleepMinutes);
}

/** overallSleepScore 0-100 onto our 1-10 scale, linearly end to end: 0 -> 1, 100 -> 10 (82 -> 8). */
export function garminSleepQuality(score: number | undefined): number | undefined {
  const value = plausible(score, ...WELLNESS_BOUNDS.sleepScore);
  return value === undefined ? undefined : 1 + Math.round((value * 9) / 100);
}

/** Daily metric candidates by Garmin userId, one per calendar date (the athlete's local day), by date. */
export function mapGarminWellness(push: GarminPush): Map<string, DailyMetricCandidate[]> {
  const byUser = new Map<string, Map<string, DailyMetricCandidate>>();
  const day = (garminUserId: string, date: string): DailyMetricCandidate => {
    const days = byUser.get(garminUserId) ?? new Map<string, DailyMetricCandidate>();
    byUser.set(garminUserId, days);
    const metric = days.get(date) ?? { date };
    days.set(date, metric);
    return metric;
  };
  const set = <K extends keyof DailyMetricCandidate>(m: DailyMetricCandidate, key: K, v: DailyMetricCandidate[K] | undefined) => {
    if (v !== undefined) m[key] = v;
  };
  for (const d of push.dailies ?? []) {
    set(day(d.userId, d.calendarDate), 'restingHr', roundOrUndefined(plausible(d.restingHeartRateInBeatsPerMinute, ...WELLNESS_BOUNDS.restingHr)));
  }
  for (const s of push.sleeps ?? []) {
    const m = day(s.userId, s.calendarDate);
    set(m, 'sleepDurationMinutes', garminSleepMinutes(s));
    set(m, 'sleepQuality', garminSleepQuality(s.overallSleepScore?.value));
  }
  // lastNightAvg is an overnight rMSSD in ms.
  for (const h of push.hrv ?? []) set(day(h.userId, h.calendarDate), 'hrvRmssd', plausible(h.lastNightAvg, ...WELLNESS_BOUNDS.hrvMs));

  const result = new Map<string, DailyMetricCandidate[]>();
  for (const [garminUserId, days] of byUser) {
    const withValues = [...days.values()].filter((m) => Object.keys(m).length > 1);
    if (withValues.length > 0)
      result.set(
        garminUserId,
        withValues.sort((a, b) => a.date.localeCompare(b.date)),
      );
  }
  return result;
}

const roundOrUndefined = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));

// ---- account events -------------------------------------------------------------------------------

/** Users who revoked our access: forget their links. */
export function garminDeregisteredUserIds(push: GarminPush): string[] {
  return [...new Set((push.deregistrations ?? []).map((d) => d.userId))];
}

/** The permissions each user now grants (ACTIVITY_EXPORT, HEALTH_EXPORT, ...); the last change wins. */
export function garminPermissionChanges(push: GarminPush): { garminUserId: string; permissions: string[] }[] {
  const latest = new Map<string, string[]>();
  for (const c of push.userPermissionsChange ?? []) latest.set(c.userId, c.permissions);
  return [...latest].map(([garminUserId, permissions]) => ({ garminUserId, permissions }));
}
