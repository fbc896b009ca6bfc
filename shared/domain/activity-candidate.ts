// The vendor-neutral candidates every source maps to, and the plausibility gate they pass before they
// become activities. Pure: no I/O. Shape (schema) and plausibility (validateCandidate) are separate so an
// implausible activity is stored as a rejection with its reason instead of failing the request.
import * as z from 'zod';
import { activitySources, activityTypes, type ActivityType } from './activity-vocabulary';

/** Types the running pace check applies to. */
export const runningTypes: ReadonlySet<ActivityType> = new Set<ActivityType>([
  'run',
  'long_run',
  'interval',
  'recovery',
  'tempo',
  'race',
  'trail_run',
  'treadmill',
]);

/** The longest session we accept: 24 h. */
export const MAX_SESSION_SECONDS = 24 * 3600;

export const ActivitySample = z.object({
  /** Whole seconds since the activity's start. */
  offsetSeconds: z.int().min(0).max(MAX_SESSION_SECONDS),
  hr: z.number().optional(),
  paceSecondsPerKm: z.number().optional(),
  cadence: z.number().optional(),
  power: z.number().optional(),
});
export type ActivitySample = z.infer<typeof ActivitySample>;

export const ActivityCandidate = z.object({
  source: z.enum(activitySources),
  /** The vendor's id (idempotency key per user and source); null only for manual entries without one. */
  externalId: z.string().min(1).max(255).nullable(),
  type: z.enum(activityTypes),
  /** UTC instant, second precision, e.g. '2024-05-19T09:02:11Z'. */
  startTime: z.iso.datetime(),
  /** The whole session (elapsed, pauses included): session-RPE load is duration x RPE (Foster 2001). */
  durationMinutes: z.number(),
  distanceMeters: z.number().nullable(),
  avgHr: z.number().nullable(),
  maxHr: z.number().nullable(),
  elevationGainMeters: z.number().nullable(),
  /** Session RPE, 1-10. */
  rpe: z.number().nullable(),
  /** The vendor's own local calendar date of the start, when it gives one. */
  vendorLocalDate: z.iso.date().nullable(),
  utcOffsetSeconds: z.int().nullable(),
  samples: z.array(ActivitySample).max(MAX_SESSION_SECONDS + 1),
  deviceName: z.string().max(255).nullable(),
});
export type ActivityCandidate = z.infer<typeof ActivityCandidate>;

/** One athlete-local day of wellness values from a vendor; absent means the vendor did not say. */
export const DailyMetricCandidate = z.object({
  date: z.iso.date(),
  restingHr: z.number().optional(),
  /** Overnight rMSSD, ms (Garmin). */
  hrvRmssd: z.number().optional(),
  /** SDNN, ms (Apple Health): a different statistic from rMSSD, so it never goes in hrvRmssd. */
  hrvSdnnMs: z.number().optional(),
  sleepDurationMinutes: z.number().optional(),
  /** 1-10. */
  sleepQuality: z.number().optional(),
});
export type DailyMetricCandidate = z.infer<typeof DailyMetricCandidate>;

// ---- plausibility ---------------------------------------------------------------------------------

export type CandidateVerdict = { ok: true } | { ok: false; reason: string; field: keyof ActivityCandidate & string };

const HR_MIN = 25;
const HR_MAX = 250;
// The 5000 m world record is about 2:31/km: a whole run faster than that is a GPS or unit error.
const FASTEST_RUN_PACE_S_PER_KM = 150;
// Phone and watch clocks drift; a manual entry logged "now" on a phone a minute fast is not from the future.
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_DISTANCE_M = 1_000_000;
const MAX_ELEVATION_GAIN_M = 30_000;
const MIN_UTC_OFFSET_S = -12 * 3600;
const MAX_UTC_OFFSET_S = 14 * 3600;
// The load series runs from the first activity to today: a start in year 1 would make every recompute
// (and its one-statement write) span ~740,000 days. Nothing recorded before 1970 is a training log we coach on.
const EARLIEST_START_MS = Date.UTC(1970, 0, 1);

const inRange = (v: number, min: number, max: number) => Number.isFinite(v) && v >= min && v <= max;
const reject = (field: keyof ActivityCandidate & string, reason: string): CandidateVerdict => ({ ok: false, reason, field });
const PLAUSIBLE: CandidateVerdict = Object.freeze({ ok: true });

export function formatPace(secondsPerKm: number): string {
  const whole = Math.round(secondsPerKm);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}/km`;
}

/** The impossible-value rules of the ingestion issue; the first broken rule is the reason. */
export function validateCandidate(c: ActivityCandidate, now: Date): CandidateVerdict {
  const start = Date.parse(c.startTime);
  if (!Number.isFinite(start)) return reject('startTime', 'The start time is not a valid date.');
  if (start > now.getTime() + CLOCK_SKEW_MS) return reject('startTime', `The activity starts in the future (${c.startTime}).`);
  if (start < EARLIEST_START_MS) return reject('startTime', `The activity starts before 1970 (${c.startTime}).`);

  if (!(Number.isFinite(c.durationMinutes) && c.durationMinutes > 0 && c.durationMinutes <= MAX_SESSION_SECONDS / 60)) {
    return reject('durationMinutes', `A duration of ${c.durationMinutes} min is not possible: it must be over 0 and at most 24 h.`);
  }
  for (const field of ['avgHr', 'maxHr'] as const) {
    const hr = c[field];
    if (hr !== null && !inRange(hr, HR_MIN, HR_MAX)) {
      const label = field === 'avgHr' ? 'average' : 'maximum';
      return reject(field, `An ${label} heart rate of ${hr} bpm is not possible: it must be between ${HR_MIN} and ${HR_MAX}.`);
    }
  }
  if (c.avgHr !== null && c.maxHr !== null && c.avgHr > c.maxHr) {
    return reject('avgHr', `The average heart rate (${c.avgHr} bpm) is above the maximum (${c.maxHr} bpm).`);
  }
  if (c.distanceMeters !== null) {
    if (!inRange(c.distanceMeters, 0, MAX_DISTANCE_M)) {
      return reject('distanceMeters', `A distance of ${c.distanceMeters} m is not possible.`);
    }
    if (runningTypes.has(c.type) && c.distanceMeters > 0) {
      const pace = (c.durationMinutes * 60) / (c.distanceMeters / 1000);
      if (pace < FASTEST_RUN_PACE_S_PER_KM) {
        return reject(
          'distanceMeters',
          `${c.distanceMeters} m in ${Math.round(c.durationMinutes * 10) / 10} min is a pace of ${formatPace(pace)}, faster than the ${formatPace(FASTEST_RUN_PACE_S_PER_KM)} possible for a run.`,
        );
      }
    }
  }
  if (c.elevationGainMeters !== null && !inRange(c.elevationGainMeters, 0, MAX_ELEVATION_GAIN_M)) {
    return reject('elevationGainMeters', `An elevation gain of ${c.elevationGainMeters} m is not possible.`);
  }
  if (c.rpe !== null && !inRange(c.rpe, 1, 10)) {
    return reject('rpe', `An RPE of ${c.rpe} is not possible: it must be between 1 and 10.`);
  }
  if (c.utcOffsetSeconds !== null && !inRange(c.utcOffsetSeconds, MIN_UTC_OFFSET_S, MAX_UTC_OFFSET_S)) {
    return reject('utcOffsetSeconds', `A UTC offset of ${c.utcOffsetSeconds} s is not a real time zone.`);
  }
  const samples = sampleVerdict(c.samples);
  if (samples) return reject('samples', samples);
  return PLAUSIBLE;
}

/**
 * What protects the sample store (one array per channel, an element per second: migration 0006): at most
 * 24 h at 1 Hz, one sample per second in time order, each with a reading and every reading plausible. The
 * vendor mappers pass samples through normaliseSamples, which drops glitches one by one; a sample this
 * refuses came from elsewhere, and the whole activity is refused, naming the sample, before anything is
 * written (a CHECK violation would fail the whole batch's transaction instead).
 */
function sampleVerdict(samples: readonly ActivitySample[]): string | null {
  if (samples.length > MAX_SESSION_SECONDS + 1) {
    return `${samples.length} samples are more than one a second over 24 h (${MAX_SESSION_SECONDS + 1}).`;
  }
  let previous = -1;
  for (const s of samples) {
    const at = s.offsetSeconds;
    if (!(Number.isInteger(at) && at > previous && at <= MAX_SESSION_SECONDS)) {
      return `A sample at ${at} s is not a whole second after the one before, within 24 h of the start.`;
    }
    previous = at;
    // Unrolled, without a key list or a destructured pair per sample: this runs for every second of 24 h.
    const bad = badReading(s, 'hr') ?? badReading(s, 'cadence') ?? badReading(s, 'power');
    if (bad) {
      const [min, max] = SAMPLE_BOUNDS[bad];
      return `The ${SAMPLE_LABELS[bad]} of ${s[bad]} at ${at} s is not possible: it must be a whole number between ${min} and ${max}.`;
    }
    const pace = s.paceSecondsPerKm;
    if (pace !== undefined && !(Number.isFinite(pace) && pace > FASTEST_SAMPLE_PACE_S_PER_KM)) {
      return `A pace of ${pace} s/km at ${at} s is not possible: it must be slower than ${FASTEST_SAMPLE_PACE_S_PER_KM} s/km.`;
    }
    if (s.hr === undefined && s.cadence === undefined && s.power === undefined && pace === undefined) {
      return `The sample at ${at} s has no reading.`;
    }
  }
  return null;
}

/** The key whose reading is not a whole number within its bounds (SAMPLE_BOUNDS), if that is this one. */
function badReading(s: ActivitySample, key: keyof typeof SAMPLE_BOUNDS): keyof typeof SAMPLE_BOUNDS | undefined {
  const v = s[key];
  return v === undefined || (Number.isInteger(v) && v >= SAMPLE_BOUNDS[key][0] && v <= SAMPLE_BOUNDS[key][1]) ? undefined : key;
}

/** Keeps a wellness value only when it is plausible: vendors send 0 for "not measured". */
export function plausible(v: number | null | undefined, min: number, max: number): number | undefined {
  return v != null && inRange(v, min, max) ? v : undefined;
}

/** The plausible range of each wellness value a vendor sends, whichever vendor sends it. */
export const WELLNESS_BOUNDS = {
  restingHr: [25, 120],
  /** Overnight HRV, ms: rMSSD (Garmin) and SDNN (Apple) alike. */
  hrvMs: [1, 499],
  sleepMinutes: [0, 24 * 60],
  /** A vendor's own 0-100 sleep score. */
  sleepScore: [0, 100],
} as const;

const SAMPLE_BOUNDS = { hr: [HR_MIN, HR_MAX], cadence: [0, 300], power: [0, 3000] } as const;
const SAMPLE_LABELS = { hr: 'heart rate', cadence: 'cadence', power: 'power' } as const;
// Pace of 10 s/km or less is a speed of 100 m/s or more: a glitch, not a runner or a rider (and over the
// database's speed_mps < 100).
const FASTEST_SAMPLE_PACE_S_PER_KM = 10;

/**
 * Drops sensor glitches value by value (one bad reading never rejects a whole activity), drops samples left
 * empty or outside [0, maxOffsetSeconds], and keeps one sample per second (the last), in time order.
 */
export function normaliseSamples(raw: readonly ActivitySample[], maxOffsetSeconds = MAX_SESSION_SECONDS): ActivitySample[] {
  const bySecond = new Map<number, ActivitySample>();
  for (const s of raw) {
    const offsetSeconds = Math.round(s.offsetSeconds);
    if (!inRange(offsetSeconds, 0, Math.min(maxOffsetSeconds, MAX_SESSION_SECONDS))) continue;
    const clean: ActivitySample = { offsetSeconds };
    for (const key of ['hr', 'cadence', 'power'] as const) {
      const v = s[key];
      const [min, max] = SAMPLE_BOUNDS[key];
      if (v !== undefined && inRange(v, min, max)) clean[key] = Math.round(v);
    }
    const pace = s.paceSecondsPerKm;
    if (pace !== undefined && Number.isFinite(pace) && pace > FASTEST_SAMPLE_PACE_S_PER_KM) clean.paceSecondsPerKm = pace;
    if (Object.keys(clean).length > 1) bySecond.set(offsetSeconds, clean);
  }
  return [...bySecond.values()].sort((x, y) => x.offsetSeconds - y.offsetSeconds);
}
