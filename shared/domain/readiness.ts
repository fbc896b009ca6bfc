// Morning readiness: HRV status (science.md §2.8), physiological baselines and the green/yellow/red rule of the
// check-in issue. No published rule merges HRV with sleep, soreness and RPE (science.md §1): this one is a product
// decision, deterministic and explained reason by reason.
import { addDays, toEpochDay } from './dates';

export interface HrvReading {
  date: string;
  /** rMSSD in ms from a standardised morning recording; null = no reading that day. */
  rmssd: number | null;
}

export type HrvReasonCode = 'today_below_daily_floor' | 'baseline_below_swc' | 'baseline_above_swc';

export interface HrvAssessment {
  date: string;
  lnRmssd: number | null;
  /** Mean ln rMSSD of the 7 days ending today (≥ 3 readings), else null. */
  baseline7d: number | null;
  /** Mean and sample SD of ln rMSSD over the 60 days ending yesterday (≥ 14 readings), else null. */
  normalMean60d: number | null;
  normalSd60d: number | null;
  /** normal mean ± 0.5 SD: the band the 7-day baseline is judged against (SWC as practised, e.g. HRV4Training). */
  swcLower: number | null;
  swcUpper: number | null;
  /** normal mean − 1 SD: the floor today's single reading is judged against (cf. Kiviniemi 2007, mean − SD). */
  dailyFloor: number | null;
  status: 'green' | 'yellow' | 'red' | 'unknown';
  /** Empty when unknown; baseline_above_swc never changes the status (it fired on ~20 % of stationary days). */
  reasons: HrvReasonCode[];
}

/** Resting HR and rMSSD of one local day (daily_metrics); null or absent = not measured. */
export interface DailyPhysiology {
  date: string;
  restingHr?: number | null;
  rmssd?: number | null;
}

export interface Baselines {
  /** Mean resting HR (bpm) over the 60 days ending `asOf`, full precision (users.resting_hr is smallint: round there). */
  restingHr: number | null;
  /** Geometric mean rMSSD (ms) = e^(mean ln rMSSD) over the same days: the centre the HRV status judges against. */
  hrvRmssdMs: number | null;
}

export type ReadinessLight = 'green' | 'yellow' | 'red';

export interface ReadinessReason {
  code: string;
  message: string;
  /** strong: makes the light red alone; flag: counts towards yellow/red; info: explains, changes nothing. */
  severity: 'flag' | 'strong' | 'info';
}

export interface Readiness {
  light: ReadinessLight;
  reasons: ReadinessReason[];
}

export interface CheckIn {
  sleepMinutes?: number | null;
  /** 1-10 */
  sleepQuality?: number | null;
  /** 1-10 */
  soreness?: number | null;
  /** 1-10 */
  morningReadiness?: number | null;
  /** 1-10 */
  stress?: number | null;
}

export interface ReadinessInput {
  /** The athlete-local date being judged. */
  today: string;
  /** Resting HR and rMSSD per day, today's included when measured; 60 days back make the normal ranges. */
  physiology: readonly DailyPhysiology[];
  checkIn: CheckIn;
  /** RPE of the last activity before today (null: none, or its RPE was not entered). See lastRpeBefore. */
  lastActivityRpe?: number | null;
}

const BASELINE_DAYS = 7;
const BASELINE_MIN_READINGS = 3; // Plews et al. 2014: ≥ 3 valid readings a week
const NORMAL_DAYS = 60; // HRV4Training: "normal values based on your past 60 days"
const NORMAL_MIN_READINGS = 14;

/** HRV traffic light of `today` per science.md §2.8 (illustrative, inspired by Plews/HRV4Training/Kiviniemi). */
export function hrvStatus(series: readonly HrvReading[], today: string): HrvAssessment {
  const ln = lnByDate(series);
  const todayDay = toEpochDay(today);
  const lnToday = ln.get(todayDay) ?? null;
  const week = valuesIn(ln, todayDay - (BASELINE_DAYS - 1), todayDay);
  const history = valuesIn(ln, todayDay - NORMAL_DAYS, todayDay - 1);
  const baseline7d = week.length >= BASELINE_MIN_READINGS ? mean(week) : null;
  const normalMean60d = history.length >= NORMAL_MIN_READINGS ? mean(history) : null;
  const normalSd60d = normalMean60d === null ? null : sampleSd(history, normalMean60d);
  const band =
    normalMean60d === null || normalSd60d === null
      ? null
      : {
          swcLower: normalMean60d - 0.5 * normalSd60d,
          swcUpper: normalMean60d + 0.5 * normalSd60d,
          dailyFloor: normalMean60d - normalSd60d,
        };
  const assessment: HrvAssessment = {
    date: today,
    lnRmssd: lnToday,
    baseline7d,
    normalMean60d,
    normalSd60d,
    swcLower: band?.swcLower ?? null,
    swcUpper: band?.swcUpper ?? null,
    dailyFloor: band?.dailyFloor ?? null,
    status: 'unknown',
    reasons: [],
  };
  if (lnToday === null || baseline7d === null || band === null) return assessment;
  const todayLow = lnToday < band.dailyFloor;
  const trendLow = baseline7d < band.swcLower;
  if (todayLow) assessment.reasons.push('today_below_daily_floor');
  if (trendLow) assessment.reasons.push('baseline_below_swc');
  if (baseline7d > band.swcUpper) assessment.reasons.push('baseline_above_swc');
  assessment.status = todayLow && trendLow ? 'red' : todayLow || trendLow ? 'yellow' : 'green';
  return assessment;
}

/** 60-day means for the user profile (users.resting_hr, users.hrv_rmssd); null below 14 readings (keep the old value). */
export function baselines(days: readonly DailyPhysiology[], asOf: string): Baselines {
  const last = toEpochDay(asOf);
  const first = last - (NORMAL_DAYS - 1);
  const restingHrs = valuesIn(restingHrByDate(days), first, last);
  const lnRmssds = valuesIn(lnByDate(days.map((d) => ({ date: d.date, rmssd: d.rmssd ?? null }))), first, last);
  return {
    restingHr: restingHrs.length >= NORMAL_MIN_READINGS ? mean(restingHrs) : null,
    hrvRmssdMs: lnRmssds.length >= NORMAL_MIN_READINGS ? Math.exp(mean(lnRmssds)) : null,
  };
}

/**
 * Sleep index = hours slept × quality (1-10), so 10 h of quality-10 sleep is 100; capped at 100
 * (daily_metrics.sleep_index range) because sleeping past 10 h is not better recovery.
 */
export function sleepIndex(sleepMinutes: number, sleepQuality: number): number {
  assertInRange(sleepMinutes, 0, 1440, 'sleepMinutes');
  assertInRange(sleepQuality, 0, 10, 'sleepQuality');
  return Math.min(100, (sleepMinutes / 60) * sleepQuality) + 0; // + 0 turns -0 into 0
}

/** The RPE of the last activity (latest start) on a local date before `today`; null if none or not entered. */
export function lastRpeBefore(activities: readonly { localDate: string; startTime: Date | string; rpe: number | null }[], today: string): number | null {
  const todayDay = toEpochDay(today);
  let last: { start: number; rpe: number | null } | null = null;
  for (const activity of activities) {
    if (toEpochDay(activity.localDate) >= todayDay) continue;
    const start = typeof activity.startTime === 'string' ? Date.parse(activity.startTime) : activity.startTime.getTime();
    if (!Number.isFinite(start)) throw new RangeError(`invalid startTime: ${String(activity.startTime)}`);
    if (last === null || start > last.start) last = { start, rpe: activity.rpe };
  }
  return last?.rpe ?? null;
}

type Finding = ReadinessReason & { item: string };

/**
 * The light: red with any strong reason or flags on 3+ items; yellow with flags on 1-2 items or HRV yellow;
 * green otherwise. Missing data never colours the light: it is listed as an info reason.
 */
export function assessReadiness(input: ReadinessInput): Readiness {
  const { today, physiology, checkIn } = input;
  const findings: Finding[] = [
    ...hrvFindings(
      hrvStatus(
        physiology.map((d) => ({ date: d.date, rmssd: d.rmssd ?? null })),
        today,
      ),
    ),
    ...restingHrFindings(physiology, today),
    ...checkInFindings(checkIn),
  ];
  const rpe = input.lastActivityRpe ?? null;
  if (rpe !== null) {
    assertInRange(rpe, 0, 10, 'lastActivityRpe');
    if (rpe >= 9) findings.push(flag('last_session', 'hard_last_session', 'Your last session was very hard'));
  }
  // HRV yellow is its own yellow trigger in the issue, not one of the six flagged items: it never makes 3.
  const flaggedItems = new Set(findings.filter((f) => f.severity === 'flag' && f.item !== 'hrv').map((f) => f.item));
  const light: ReadinessLight =
    findings.some((f) => f.severity === 'strong') || flaggedItems.size >= 3 ? 'red' : findings.some((f) => f.severity === 'flag') ? 'yellow' : 'green';
  const order = { strong: 0, flag: 1, info: 2 } as const;
  const reasons = findings.sort((x, y) => order[x.severity] - order[y.severity]).map(({ code, message, severity }) => ({ code, message, severity }));
  return { light, reasons };
}

function hrvFindings(hrv: HrvAssessment): Finding[] {
  if (hrv.status === 'unknown') {
    return hrv.lnRmssd === null
      ? [info('hrv', 'hrv_no_reading', 'No heart rate variability reading today')]
      : [info('hrv', 'hrv_not_enough_data', 'Not enough heart rate variability readings yet to know your normal range')];
  }
  const findings: Finding[] = [];
  if (hrv.status === 'red') {
    findings.push(strong('hrv', 'hrv_low', 'Heart rate variability is well below your normal range'));
  } else if (hrv.reasons.includes('today_below_daily_floor')) {
    findings.push(flag('hrv', 'hrv_today_low', "Today's heart rate variability is below your normal range"));
  } else if (hrv.reasons.includes('baseline_below_swc')) {
    findings.push(flag('hrv', 'hrv_week_low', 'Heart rate variability has been below your normal range this week'));
  }
  if (hrv.reasons.includes('baseline_above_swc')) {
    // Plews 2013: HRV rising above normal is usually good, but can also come with overreaching.
    findings.push(info('hrv', 'hrv_week_high', 'Heart rate variability has been above your normal range this week'));
  }
  return findings;
}

function restingHrFindings(physiology: readonly DailyPhysiology[], today: string): Finding[] {
  const todayDay = toEpochDay(today);
  const restingHr = restingHrByDate(physiology).get(todayDay) ?? null;
  if (restingHr === null) return [info('resting_hr', 'resting_hr_no_reading', 'No resting heart rate today')];
  const usual = baselines(physiology, addDays(today, -1)).restingHr;
  if (usual === null) {
    return [info('resting_hr', 'resting_hr_not_enough_data', 'Not enough resting heart rate readings yet to know your usual')];
  }
  const rise = restingHr - usual;
  if (rise >= 10) return [strong('resting_hr', 'resting_hr_very_high', 'Resting heart rate is 10 bpm or more above your usual')];
  if (rise >= 5) return [flag('resting_hr', 'resting_hr_high', 'Resting heart rate is 5 bpm or more above your usual')];
  return [];
}

function checkInFindings(checkIn: CheckIn): Finding[] {
  const { sleepMinutes, sleepQuality, soreness, morningReadiness, stress } = checkIn;
  const answers = [sleepMinutes, sleepQuality, soreness, morningReadiness, stress];
  if (answers.every((answer) => answer === null || answer === undefined)) {
    return [info('check_in', 'no_check_in', 'No morning check-in yet')];
  }
  const findings: Finding[] = [];
  // Short sleep and poor sleep quality are one item of the rule: both together still count as one flag.
  if (present(sleepMinutes, 0, 1440, 'sleepMinutes')) {
    if (sleepMinutes < 270) findings.push(strong('sleep', 'very_short_sleep', 'Slept under 4 and a half hours'));
    else if (sleepMinutes < 360) findings.push(flag('sleep', 'short_sleep', 'Slept under 6 hours'));
  }
  if (present(sleepQuality, 0, 10, 'sleepQuality') && sleepQuality <= 3) {
    findings.push(flag('sleep', 'poor_sleep_quality', 'Sleep quality was poor'));
  }
  if (present(soreness, 0, 10, 'soreness')) {
    if (soreness >= 9) findings.push(strong('soreness', 'very_sore', 'Muscles are very sore'));
    else if (soreness >= 7) findings.push(flag('soreness', 'sore', 'Muscles are sore'));
  }
  if (present(morningReadiness, 0, 10, 'morningReadiness') && morningReadiness <= 3) {
    findings.push(flag('morning_readiness', 'not_feeling_ready', "You don't feel ready to train this morning"));
  }
  if (present(stress, 0, 10, 'stress') && stress >= 8) {
    findings.push(flag('stress', 'high_stress', 'Stress is high'));
  }
  return findings;
}

const strong = (item: string, code: string, message: string): Finding => ({ item, code, message, severity: 'strong' });
const flag = (item: string, code: string, message: string): Finding => ({ item, code, message, severity: 'flag' });
const info = (item: string, code: string, message: string): Finding => ({ item, code, message, severity: 'info' });

function present(value: number | null | undefined, min: number, max: number, name: string): value is number {
  if (value === null || value === undefined) return false;
  assertInRange(value, min, max, name);
  return true;
}

function lnByDate(series: readonly HrvReading[]): Map<number, number> {
  const byDay = new Map<number, number>();
  const seen = new Set<number>();
  for (const { date, rmssd } of series) {
    const day = uniqueDay(seen, date);
    if (rmssd === null) continue;
    if (!(typeof rmssd === 'number' && Number.isFinite(rmssd) && rmssd > 0)) {
      throw new RangeError(`rmssd on ${date} must be a positive number (ms), got ${rmssd}`);
    }
    byDay.set(day, Math.log(rmssd)); // ln rMSSD: closer to normal and what every HRV method cited works on
  }
  return byDay;
}

function restingHrByDate(days: readonly DailyPhysiology[]): Map<number, number> {
  const byDay = new Map<number, number>();
  const seen = new Set<number>();
  for (const { date, restingHr } of days) {
    const day = uniqueDay(seen, date);
    if (restingHr === null || restingHr === undefined) continue;
    assertInRange(restingHr, 1, 300, `restingHr on ${date}`);
    byDay.set(day, restingHr);
  }
  return byDay;
}

// One row per day (daily_metrics' key): two values for one day would be ambiguous, so refuse them.
function uniqueDay(seen: Set<number>, date: string): number {
  const day = toEpochDay(date);
  if (seen.has(day)) throw new RangeError(`more than one row for ${date}`);
  seen.add(day);
  return day;
}

function valuesIn(byDay: ReadonlyMap<number, number>, first: number, last: number): number[] {
  const values: number[] = [];
  for (let day = first; day <= last; day++) {
    const value = byDay.get(day);
    if (value !== undefined) values.push(value);
  }
  return values;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function sampleSd(values: readonly number[], mu: number): number {
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mu) ** 2, 0) / (values.length - 1));
}

function assertInRange(value: number, min: number, max: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${value}`);
  }
}
