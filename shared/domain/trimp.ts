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
  if (sex === 'male') return factor(BANISTER.male, hrReserveFraction);
  if (sex === 'female') return factor(BANISTER.female, hrReserveFraction);
  if (sex === 'unspecified') return (factor(BANISTER.male, hrReserveFraction) + factor(BANISTER.female, hrReserveFraction)) / 2;
  throw new RangeError(`sex must be female, male or unspecified: ${String(sex)}`);
}

// Module-level, not a closure made per call: TRIMP from samples calls the weighting once per reading.
const factor = (k: { a: number; b: number }, hrReserveFraction: number) => k.a * Math.exp(k.b * hrReserveFraction);

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
  const { restingHr, maxHr, sex } = profile;
  assertHeartRateRange(restingHr, maxHr);
  // One pass, no object per reading (a 24 h activity at 1 Hz has 86,400), each heart rate's weighting
  // computed once: the sum, term by term and in order, is the one heartRateReserveFraction and
  // banisterWeighting give.
  const weighted = new Map<number, { hrr: number; weighting: number }>();
  let total = 0;
  eachHeldInterval(samples, options, (hr, minutes) => {
    let w = weighted.get(hr);
    if (!w) {
      const hrr = Math.min(1, Math.max(0, (hr - restingHr) / (maxHr - restingHr)));
      w = { hrr, weighting: banisterWeighting(hrr, sex) };
      weighted.set(hr, w);
    }
    total += minutes * w.hrr * w.weighting;
  });
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
  eachHeldInterval(samples, options, (hr, held) => {
    const zone = edwardsZone(hr, maxHr);
    if (zone > 0) minutes[zone - 1] = minutes[zone - 1]! + held;
  });
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

/**
 * Calls `visit` with each reading (null ones skipped) in time order and the minutes it is held: until the next
 * reading, the last one until `endOffsetS` (or not at all), never more than `maxGapS`. Samples already in
 * time order (as stored and as vendors send them) are not copied.
 */
function eachHeldInterval(samples: readonly HeartRateSample[], options: SampleOptions, visit: (hr: number, minutes: number) => void): void {
  const maxGapS = options.maxGapS ?? DEFAULT_MAX_SAMPLE_GAP_S;
  assertFiniteNonNegative(maxGapS, 'maxGapS');
  if (options.endOffsetS !== undefined) assertFiniteNonNegative(options.endOffsetS, 'endOffsetS');
  let sorted = true;
  let previous = -1;
  for (const s of samples) {
    if (s.hr === null) continue;
    assertFiniteNonNegative(s.offsetS, 'offsetS');
    assertFinite(s.hr, 'hr');
    if (s.offsetS < previous) sorted = false;
    previous = s.offsetS;
  }
  const readings = sorted
    ? (samples as readonly { offsetS: number; hr: number | null }[])
    : samples.filter((s) => s.hr !== null).sort((x, y) => x.offsetS - y.offsetS);
  let current: HeartRateSample | undefined;
  for (const next of readings) {
    if (next.hr === null) continue;
    if (current) visit(current.hr!, Math.min(next.offsetS - current.offsetS, maxGapS) / 60);
    current = next;
  }
  if (current) {
    const until = Math.max(current.offsetS, options.endOffsetS ?? current.offsetS);
    visit(current.hr!, Math.min(until - current.offsetS, maxGapS) / 60);
  }
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
