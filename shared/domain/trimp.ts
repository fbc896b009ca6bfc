// Heart-rate training impulse: Banister TRIMP (from average HR or from samples) and Edwards TRIMP.
// Conventions: ../shared/science.md §1 and §2.7.

export type Sex = 'female' | 'male' | 'unspecified';

export interface HeartRateProfile {
  restingHr: number;
  maxHr: number;
  sex: Sex;
}

/** One heart-rate sample `offsetS` seconds after the start (activity_samples); hr null = no reading there. */
export interface HeartRateSample {
  offsetS: number;
  hr: number | null;
}

// Morton, Fitz-Clarke & Banister 1990, J Appl Physiol 69:1171: weighting a·e^(b·HRr).
const BANISTER = { male: { a: 0.64, b: 1.92 }, female: { a: 0.86, b: 1.67 } } as const;

/**
 * A held sample counts for at most this long. Long enough for sparse "smart recording" (a reading every few
 * seconds, up to a minute on steady efforts); short enough that a paused watch does not bill the pause.
 */
export const DEFAULT_MAX_SAMPLE_GAP_S = 120;

/** Fraction of heart-rate reserve, clamped to [0, 1] (a reading below rest or above max is noise, not effort). */
export function heartRateReserveFraction(hr: number, restingHr: number, maxHr: number): number {
  assertFinite(hr, 'hr');
  assertHeartRateRange(restingHr, maxHr);
  return Math.min(1, Math.max(0, (hr - restingHr) / (maxHr - restingHr)));
}

/**
 * Banister's intensity factor a·e^(b·HRr) (TRIMP = minutes × HRr × factor). Unspecified sex uses the mean of
 * the male and female factors: nothing supports picking either curve, and the mean lies between them at every
 * HRr, so it is never off by more than half their gap (6 % at 70 % HRR, 2 % at 100 %) and leans to neither sex.
 * (Runalyze fits a third curve, a = 0.725215, b = 1.795; we keep to the two published ones.)
 */
export function banisterWeighting(hrReserveFraction: number, sex: Sex): number {
  const factor = (k: { a: number; b: number }) => k.a * Math.exp(k.b * hrReserveFraction);
  if (sex === 'male') return factor(BANISTER.male);
  if (sex === 'female') return factor(BANISTER.female);
  if (sex === 'unspecified') return (factor(BANISTER.male) + factor(BANISTER.female)) / 2;
  throw new RangeError(`sex must be female, male or unspecified: ${String(sex)}`);
}

/** Banister TRIMP from the session's average HR: minutes × HRr × a·e^(b·HRr). Undercounts intervals (convexity). */
export function banisterTrimp(durationMinutes: number, avgHr: number, profile: HeartRateProfile): number {
  assertFiniteNonNegative(durationMinutes, 'durationMinutes');
  const hrr = heartRateReserveFraction(avgHr, profile.restingHr, profile.maxHr);
  return normaliseZero(durationMinutes * hrr * banisterWeighting(hrr, profile.sex));
}

/**
 * Banister TRIMP summed over HR samples: each reading held until the next one (at most `maxGapS`), the last one
 * until `endOffsetS` when given. Closer to Banister's minute-by-minute intent than the average-HR form.
 */
export function banisterTrimpFromSamples(samples: readonly HeartRateSample[], profile: HeartRateProfile, options: SampleOptions = {}): number {
  assertHeartRateRange(profile.restingHr, profile.maxHr);
  let total = 0;
  for (const { hr, minutes } of heldIntervals(samples, options)) {
    const hrr = heartRateReserveFraction(hr, profile.restingHr, profile.maxHr);
    total += minutes * hrr * banisterWeighting(hrr, profile.sex);
  }
  return normaliseZero(total);
}

/**
 * The TRIMP stored with an activity: from samples when it has HR samples, else from its average HR; null when
 * it has no heart rate or the user has no resting/max HR baseline (age formulas are too rough to invent one).
 */
export function activityTrimp(
  activity: { durationMinutes: number; avgHr?: number | null; samples?: readonly HeartRateSample[] },
  profile: { restingHr: number | null; maxHr: number | null; sex: Sex },
): number | null {
  const { restingHr, maxHr, sex } = profile;
  if (restingHr === null || maxHr === null) return null;
  const hrProfile = { restingHr, maxHr, sex };
  if (activity.samples?.some((s) => s.hr !== null)) {
    return banisterTrimpFromSamples(activity.samples, hrProfile, { endOffsetS: activity.durationMinutes * 60 });
  }
  if (activity.avgHr === null || activity.avgHr === undefined) return null;
  return banisterTrimp(activity.durationMinutes, activity.avgHr, hrProfile);
}

/**
 * Edwards zone 0-5 of a heart rate: zones 50-60 … 90-100 % HRmax, each owning its lower bound, ≥ 100 % in zone 5.
 * Tested as 10·hr ≥ k·HRmax so integer bpm hit the bounds exactly (no 0.6·HRmax rounding).
 */
export function edwardsZone(hr: number, maxHr: number): 0 | 1 | 2 | 3 | 4 | 5 {
  assertFinite(hr, 'hr');
  if (!(Number.isFinite(maxHr) && maxHr > 0)) throw new RangeError(`maxHr must be a positive number: ${maxHr}`);
  let zone = 0;
  for (let k = 5; k <= 9; k++) if (10 * hr >= k * maxHr) zone = k - 4;
  return zone as 0 | 1 | 2 | 3 | 4 | 5;
}

/** Edwards 1993: Σ minutes in zone k × k, zones 1-5. */
export function edwardsTrimp(minutesInZones: readonly number[]): number {
  if (minutesInZones.length !== 5) throw new RangeError(`need minutes for 5 zones, got ${minutesInZones.length}`);
  return minutesInZones.reduce((sum, minutes, i) => {
    assertFiniteNonNegative(minutes, `minutesInZones[${i}]`);
    return sum + minutes * (i + 1);
  }, 0);
}

/** Minutes per Edwards zone 1-5 from HR samples (time below 50 % HRmax is dropped). */
export function edwardsMinutesInZones(
  samples: readonly HeartRateSample[],
  maxHr: number,
  options: SampleOptions = {},
): [number, number, number, number, number] {
  const minutes: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const interval of heldIntervals(samples, options)) {
    const zone = edwardsZone(interval.hr, maxHr);
    if (zone > 0) minutes[zone - 1] = minutes[zone - 1]! + interval.minutes;
  }
  return minutes;
}

/** Evenly spaced readings (e.g. one per minute) as samples, so the last one is held for a full interval too. */
export function evenlySpacedSamples(
  hrs: readonly (number | null)[],
  intervalS: number,
): {
  samples: HeartRateSample[];
  endOffsetS: number;
} {
  assertFiniteNonNegative(intervalS, 'intervalS');
  return { samples: hrs.map((hr, i) => ({ offsetS: i * intervalS, hr })), endOffsetS: hrs.length * intervalS };
}

export interface SampleOptions {
  /** When the activity ended (seconds after start): the last reading is held until then. Default: not held. */
  endOffsetS?: number;
  /** A reading counts for at most this many seconds (default DEFAULT_MAX_SAMPLE_GAP_S). */
  maxGapS?: number;
}

function heldIntervals(samples: readonly HeartRateSample[], options: SampleOptions): { hr: number; minutes: number }[] {
  const maxGapS = options.maxGapS ?? DEFAULT_MAX_SAMPLE_GAP_S;
  assertFiniteNonNegative(maxGapS, 'maxGapS');
  if (options.endOffsetS !== undefined) assertFiniteNonNegative(options.endOffsetS, 'endOffsetS');
  const readings = samples
    .filter((s): s is { offsetS: number; hr: number } => s.hr !== null)
    .map((s) => {
      assertFiniteNonNegative(s.offsetS, 'offsetS');
      assertFinite(s.hr, 'hr');
      return s;
    })
    .sort((x, y) => x.offsetS - y.offsetS);
  return readings.map((reading, i) => {
    const until = readings[i + 1]?.offsetS ?? Math.max(reading.offsetS, options.endOffsetS ?? reading.offsetS);
    return { hr: reading.hr, minutes: Math.min(until - reading.offsetS, maxGapS) / 60 };
  });
}

function assertHeartRateRange(restingHr: number, maxHr: number): void {
  assertFinite(restingHr, 'restingHr');
  assertFinite(maxHr, 'maxHr');
  if (maxHr <= restingHr) throw new RangeError('maxHr must be greater than restingHr');
}

function assertFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number: ${value}`);
}

function assertFiniteNonNegative(value: number, name: string): void {
  assertFinite(value, name);
  if (value < 0) throw new RangeError(`${name} must be >= 0: ${value}`);
}

function normaliseZero(value: number): number {
  return value === 0 ? 0 : value;
}
