// Responder classification v1: how strongly an athlete's body answers training, from markers the backend
// already holds (../shared/science.md §6). A documented heuristic, not a diagnosis, and replaceable by a model:
// - aerobic efficiency (EF) of easy runs: speed per heartbeat, m/min ÷ bpm (Friel's efficiency factor), its
//   median in the first four weeks of the window against the last four;
// - the HRV trend: 7-day mean of ln rMSSD against the 60-day mean, in 60-day SDs (Plews 2013; Kiviniemi 2007);
// - the resting-HR trend (Buchheit 2014) and session RPE at a given pace (Foster 2001), when there is data;
// - all of it related to the change in chronic load over the window: a larger load increase is expected to
//   buy a larger gain (HERITAGE: the same program, responses from none to large; Bouchard & Rankinen 2001).
// Pure: the caller reads the rows; nothing here reads a clock or a database.
import * as z from 'zod';
import { addDays, daysBetween } from './dates';

/** How strongly an athlete's markers answer training. */
export const responderClasses = ['low', 'moderate', 'high'] as const;
export type ResponderClass = (typeof responderClasses)[number];

/** The look-back: 16 weeks; at least 8 of them must lie between the first and the last easy run with HR. */
export const WINDOW_WEEKS = 16;
export const MIN_SPAN_WEEKS = 8;
/** Weeks (of the window) that must hold at least one easy run with heart rate and distance. */
export const MIN_HR_WEEKS = 6;
/** Easy = RPE at most 5 (when logged) and average HR at most 80% of max HR (when max HR is known). */
export const EASY_MAX_RPE = 5;
export const EASY_MAX_HR_FRACTION = 0.8;
/** A chronic load that fell by more than this (percent) is detraining: the response can't be judged. */
export const MAX_LOAD_DROP_PCT = 20;
/** Each secondary marker adds at most ±1 point, weighted like this many percent of EF change. */
export const SECONDARY_WEIGHT = 2;
/** The gain (percent EF) expected at stable load, plus this much per percent of chronic-load increase (to +60%). */
export const BASE_EXPECTED_GAIN_PCT = 2;
export const EXPECTED_GAIN_PER_LOAD_PCT = 0.05;
export const LOAD_INCREASE_CAP_PCT = 60;
/** The class band around the expected gain: high at expected + 2 points or more, low below expected - 2. */
export const CLASS_MARGIN = 2;

export interface ResponderRun {
  /** Athlete-local date. */
  date: string;
  durationMinutes: number;
  distanceMeters: number;
  avgHr: number;
  rpe: number | null;
}

export interface ResponderWellnessDay {
  date: string;
  hrvRmssd: number | null;
  restingHr: number | null;
}

export interface ResponderInput {
  /** The athlete-local day the judgement is made on; the window is the 16 weeks ending on it. */
  today: string;
  /** Runs (any run type) with average HR and distance from the window; the rule picks the easy ones. */
  runs: readonly ResponderRun[];
  /** Daily metrics of the last 16 weeks (at least the last 60 days for HRV). */
  wellness: readonly ResponderWellnessDay[];
  /** Chronic load (28-day EWMA, AU) on the window's first day and today; null when no series covers the day. */
  chronicAtStart: number | null;
  chronicAtEnd: number | null;
  maxHr: number | null;
}

const Trend = <T extends z.ZodRawShape>(shape: T) => z.object(shape).nullable();
/** What decided the class, or why there is none: stored with the class and shown in GET /me. */
export const ResponderEvidence = z
  .object({
    /** 'insufficient_data' with the class null; null when classified. */
    reason: z.literal('insufficient_data').nullable(),
    /** What is missing, in words (empty when classified). */
    missing: z.array(z.string()),
    window: z.object({ from: z.string(), to: z.string(), weeksWithHr: z.number(), spanWeeks: z.number(), easyRuns: z.number() }),
    /** Median speed per heartbeat, (m/min)/bpm, of the window's first and last four weeks of easy runs. */
    efficiency: Trend({ early: z.number(), late: z.number(), changePct: z.number() }),
    chronicLoad: z.object({ start: z.number(), end: z.number(), changePct: z.number() }),
    hrv: Trend({ mean7Ln: z.number(), mean60Ln: z.number(), sd60Ln: z.number(), z: z.number() }),
    restingHr: Trend({ early: z.number(), late: z.number(), changeBpm: z.number() }),
    rpeAtPace: Trend({ early: z.number(), late: z.number(), changePct: z.number() }),
    /** EF change (percent) plus SECONDARY_WEIGHT x each secondary marker's point in [-1, 1]. */
    score: z.number().nullable(),
    expectedGainPct: z.number().nullable(),
  })
  .meta({ id: 'ResponderEvidence' });
export type ResponderEvidence = z.infer<typeof ResponderEvidence>;

export interface ResponderVerdict {
  classification: ResponderClass | null;
  evidence: ResponderEvidence;
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
}

/** Speed per heartbeat, (m/min) / bpm. */
export function efficiencyFactor(run: Pick<ResponderRun, 'durationMinutes' | 'distanceMeters' | 'avgHr'>): number {
  return run.distanceMeters / run.durationMinutes / run.avgHr;
}

export function isEasyRun(run: ResponderRun, maxHr: number | null): boolean {
  if (run.durationMinutes < 15 || run.distanceMeters <= 0 || run.avgHr <= 0) return false;
  const speed = run.distanceMeters / run.durationMinutes / 60; // m/s
  if (speed < 1.5 || speed > 7) return false; // walking breaks or GPS nonsense: not comparable effort
  if (run.rpe !== null && run.rpe > EASY_MAX_RPE) return false;
  if (maxHr !== null && run.avgHr > EASY_MAX_HR_FRACTION * maxHr) return false;
  return true;
}

/** The expected EF gain (percent) for a chronic-load change (percent) over the window. */
export function expectedGainPct(chronicLoadChangePct: number): number {
  return BASE_EXPECTED_GAIN_PCT + EXPECTED_GAIN_PER_LOAD_PCT * clamp(chronicLoadChangePct, 0, LOAD_INCREASE_CAP_PCT);
}

/** The class of a response score at a given expected gain: monotone in the score. */
export function classify(score: number, expected: number): ResponderClass {
  if (score >= expected + CLASS_MARGIN) return 'high';
  if (score < expected - CLASS_MARGIN) return 'low';
  return 'moderate';
}

export function classifyResponder(input: ResponderInput): ResponderVerdict {
  const from = addDays(input.today, -(WINDOW_WEEKS * 7 - 1));
  const inWindow = (date: string) => date >= from && date <= input.today;
  /** 0 = the week ending today, 15 = the oldest. */
  const weekOf = (date: string) => Math.floor(daysBetween(date, input.today) / 7);

  const easy = input.runs.filter((r) => inWindow(r.date) && isEasyRun(r, input.maxHr));
  const weeks = new Set(easy.map((r) => weekOf(r.date)));
  const newest = Math.min(...weeks);
  const oldest = Math.max(...weeks);
  const spanWeeks = weeks.size === 0 ? 0 : oldest - newest + 1;

  const chronicStart = input.chronicAtStart ?? 0;
  const chronicEnd = input.chronicAtEnd ?? 0;
  const loadChangePct = chronicStart > 0 ? ((chronicEnd - chronicStart) / chronicStart) * 100 : chronicEnd > 0 ? 100 : 0;

  const missing: string[] = [];
  if (weeks.size < MIN_HR_WEEKS)
    missing.push(`easy runs with heart rate and distance in ${MIN_HR_WEEKS} of the last ${WINDOW_WEEKS} weeks (found ${weeks.size})`);
  else if (spanWeeks < MIN_SPAN_WEEKS) missing.push(`easy runs with heart rate spread over at least ${MIN_SPAN_WEEKS} weeks (found ${spanWeeks})`);
  if (chronicEnd <= 0) missing.push('a training load series (no chronic load today)');
  else if (loadChangePct < -MAX_LOAD_DROP_PCT)
    missing.push(`stable or rising training: chronic load fell ${round(-loadChangePct, 1)}%, which is detraining, not a response`);

  // Early = the first four weeks holding runs, late = the last four: never overlapping at a span of 8 or more.
  const early = easy.filter((r) => weekOf(r.date) > oldest - 4);
  const late = easy.filter((r) => weekOf(r.date) < newest + 4);
  const efficiency =
    early.length > 0 && late.length > 0 && spanWeeks >= MIN_SPAN_WEEKS
      ? (() => {
          const e = median(early.map(efficiencyFactor));
          const l = median(late.map(efficiencyFactor));
          return { early: round(e, 6), late: round(l, 6), changePct: round(((l - e) / e) * 100) };
        })()
      : null;

  const hrv = hrvTrend(input.wellness, input.today);
  const restingHr = restingHrTrend(input.wellness, from, input.today);
  const rpeAtPace = rpeAtPaceTrend(early, late);

  const evidenceBase = {
    window: { from, to: input.today, weeksWithHr: weeks.size, spanWeeks, easyRuns: easy.length },
    efficiency,
    chronicLoad: { start: round(chronicStart, 2), end: round(chronicEnd, 2), changePct: round(loadChangePct, 2) },
    hrv,
    restingHr,
    rpeAtPace,
  };
  if (missing.length > 0 || efficiency === null) {
    return { classification: null, evidence: { reason: 'insufficient_data', missing, ...evidenceBase, score: null, expectedGainPct: null } };
  }

  const secondary =
    (hrv ? clamp(hrv.z, -1, 1) : 0) + (restingHr ? clamp(-restingHr.changeBpm / 3, -1, 1) : 0) + (rpeAtPace ? clamp(-rpeAtPace.changePct / 10, -1, 1) : 0);
  const score = round(efficiency.changePct + SECONDARY_WEIGHT * secondary);
  const expected = round(expectedGainPct(loadChangePct));
  return { classification: classify(score, expected), evidence: { reason: null, missing: [], ...evidenceBase, score, expectedGainPct: expected } };
}

/** 7-day mean of ln rMSSD against the 60-day mean and SD (at least 3 and 20 readings). */
function hrvTrend(days: readonly ResponderWellnessDay[], today: string): ResponderEvidence['hrv'] {
  const ln = (from: string) => days.filter((d) => d.hrvRmssd !== null && d.hrvRmssd > 0 && d.date >= from && d.date <= today).map((d) => Math.log(d.hrvRmssd!));
  const week = ln(addDays(today, -6));
  const sixty = ln(addDays(today, -59));
  if (week.length < 3 || sixty.length < 20) return null;
  const m7 = mean(week);
  const m60 = mean(sixty);
  const s60 = sd(sixty);
  // A perfectly flat baseline: any drift is within the smallest worthwhile change.
  const z = s60 < 1e-6 ? 0 : (m7 - m60) / s60;
  return { mean7Ln: round(m7), mean60Ln: round(m60), sd60Ln: round(s60), z: round(z) };
}

/** Mean resting HR of the window's first 14 days against its last 14 (at least 5 readings each). */
function restingHrTrend(days: readonly ResponderWellnessDay[], from: string, today: string): ResponderEvidence['restingHr'] {
  const values = (a: string, b: string) => days.filter((d) => d.restingHr !== null && d.date >= a && d.date <= b).map((d) => d.restingHr!);
  const early = values(from, addDays(from, 13));
  const late = values(addDays(today, -13), today);
  if (early.length < 5 || late.length < 5) return null;
  const e = mean(early);
  const l = mean(late);
  return { early: round(e, 2), late: round(l, 2), changeBpm: round(l - e, 2) };
}

/** RPE per unit of speed (lower = the same pace feels easier), early against late easy runs (3 each). */
function rpeAtPaceTrend(early: readonly ResponderRun[], late: readonly ResponderRun[]): ResponderEvidence['rpeAtPace'] {
  const ratio = (runs: readonly ResponderRun[]) => runs.filter((r) => r.rpe !== null).map((r) => r.rpe! / (r.distanceMeters / r.durationMinutes));
  const e = ratio(early);
  const l = ratio(late);
  if (e.length < 3 || l.length < 3) return null;
  const me = median(e);
  const ml = median(l);
  return { early: round(me, 6), late: round(ml, 6), changePct: round(((ml - me) / me) * 100) };
}
