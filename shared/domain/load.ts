// Training load: session-RPE, 7/28-day EWMA acute/chronic load, ACWR, TSB, monotony and strain.
// Conventions: ../shared/science.md §2 (the reference vectors were computed with them).
import { acwrAlertRaised, monotonyAlertRaised } from './alerts';
import { addDays, assertIsoWeekday, daysBetween, eachDay, toEpochDay, type IsoWeekday } from './dates';

/** One day's load (AU) on an athlete-local calendar date 'YYYY-MM-DD'. */
export interface DailyLoad {
  date: string;
  load: number;
}

/** The EWMA state stored for a day (rolling_stats.acute / chronic). */
export interface EwmaState {
  date: string;
  acute: number;
  chronic: number;
}

export interface LoadDay {
  date: string;
  /** The day's internal load, AU (sum of its sessions). */
  load: number;
  /** EWMA, N = 7 (λ = 2/8). */
  acute: number;
  /** EWMA, N = 28 (λ = 2/29). */
  chronic: number;
  /** acute / chronic; null when chronic is 0. */
  acwr: number | null;
  /**
   * chronic − acute of the SAME day on the 7/28 EWMAs above (Williams λ = 2/(N+1)). NOT TrainingPeaks/Coggan
   * "Form" (CTL 42 d − ATL 7 d with λ = 1/τ, often shown for yesterday): our 7/28 equals their 4/14.5 and reacts
   * about three times faster (science.md §1). Name kept `tsb` because the schema and the API use it.
   */
  tsb: number;
  /** Sum of the 7 days ending on `date`; null while the series has fewer than 7 days. */
  weekLoad: number | null;
  /** Population SD (/7) of those 7 days; null while the window is incomplete. */
  sd: number | null;
  /** mean / SD of those 7 days; null for the first 6 days and when SD is 0 (unless monotonyCap is set). */
  monotony: number | null;
  /** weekLoad × monotony; 0 when weekLoad is 0; null when monotony is null and weekLoad > 0. */
  strain: number | null;
  /** True while the series has fewer than 28 days: a 0-seeded ACWR starts at 3.625 and means nothing yet. */
  warmup: boolean;
  acwrAlert: boolean;
  monotonyAlert: boolean;
}

export interface LoadSeriesOptions {
  /** First day of the series (default: the first record). Fix it at the first-ever activity: it changes every value. */
  start?: string;
  /** Last day of the series (default: the last record). */
  end?: string;
  /** EWMA seed: 'zero' = 0 on the day before the series (reference, GoldenCheetah, Runalyze); 'first' = day-0 load (CRAN ACWR). */
  seed?: 'zero' | 'first';
  /** Cap monotony here, and report SD = 0 weeks with load as the cap (Runalyze/fellrnr use 10). Default: no cap, SD = 0 → null. */
  monotonyCap?: number;
  /**
   * ISO weekday of the LAST day of the user's training week. When set, the monotony alert is judged only on that
   * day (the product rule); when absent, every day with a complete window is judged (the vectors' column).
   */
  weekEndsOn?: IsoWeekday;
}

export type ContinueOptions = Omit<LoadSeriesOptions, 'start' | 'end'> & {
  /** First day of the whole series; required when continuing from a stored state (decides warmup). */
  seriesStart?: string;
};

// Williams et al. 2017, BJSM 51:209: λ = 2/(N+1).
const ACUTE_LAMBDA = 2 / (7 + 1);
const CHRONIC_LAMBDA = 2 / (28 + 1);
const WARMUP_DAYS = 28;
const WINDOW = 7;

/** Session-RPE load (Foster 2001): minutes × RPE on the CR-10 scale (0-10), in AU. */
export function sessionLoad(durationMinutes: number, rpe: number): number {
  assertFiniteNonNegative(durationMinutes, 'durationMinutes');
  assertFiniteNonNegative(rpe, 'rpe');
  if (rpe > 10) throw new RangeError(`rpe is on the CR-10 scale (0-10), got ${rpe}`);
  return normaliseZero(durationMinutes * rpe);
}

/**
 * One load per calendar day from `start` (default: first record) to `end` (default: last record): same-date
 * records summed, days without records 0, records outside the window ignored. Every record is validated.
 */
export function dailyLoads(records: readonly DailyLoad[], window: { start?: string; end?: string } = {}): DailyLoad[] {
  const sums = new Map<string, number>();
  let first = window.start;
  let last = window.end;
  for (const record of records) {
    toEpochDay(record.date);
    assertFiniteNonNegative(record.load, `load on ${record.date}`);
    sums.set(record.date, (sums.get(record.date) ?? 0) + record.load);
    if (window.start === undefined && (first === undefined || record.date < first)) first = record.date;
    if (window.end === undefined && (last === undefined || record.date > last)) last = record.date;
  }
  if (window.start !== undefined && window.end !== undefined && daysBetween(window.start, window.end) < 0) {
    throw new RangeError(`end ${window.end} is before start ${window.start}`);
  }
  if (first === undefined || last === undefined) return [];
  return eachDay(first, last).map((date) => ({ date, load: normaliseZero(sums.get(date) ?? 0) }));
}

/** The full series from records (science.md §2 conventions 1-6). */
export function computeLoadSeries(records: readonly DailyLoad[], options: LoadSeriesOptions = {}): LoadDay[] {
  const { start, end, ...rest } = options;
  const loads = dailyLoads(records, { start, end });
  return continueLoadSeries(null, [], loads, rest);
}

/**
 * Continues a series from the stored state of the day before `loads[0]`, so a late activity recomputes only
 * from its day forward (EWMA is path-dependent: every later day changes). `previousLoads` are the daily loads
 * before `loads[0]`, oldest first; the last 6 are used and must be present unless the series started later.
 * With `previous` null the series starts at `loads[0]`. Same results as computeLoadSeries to rounding.
 */
export function continueLoadSeries(
  previous: EwmaState | null,
  previousLoads: readonly number[],
  loads: readonly DailyLoad[],
  options: ContinueOptions = {},
): LoadDay[] {
  if (loads.length === 0) return [];
  const firstDate = loads[0]!.date;
  const seriesStart = previous === null ? (options.seriesStart ?? firstDate) : options.seriesStart;
  if (seriesStart === undefined) throw new RangeError('seriesStart is required when continuing from a stored state');
  if (previous === null && seriesStart !== firstDate) {
    throw new RangeError(`without a stored state the series must start at ${seriesStart}, not ${firstDate}`);
  }
  if (previous !== null && addDays(previous.date, 1) !== firstDate) {
    throw new RangeError(`loads must start the day after the stored state (${previous.date}), not ${firstDate}`);
  }
  const daysBefore = daysBetween(seriesStart, firstDate);
  if (daysBefore < 0) throw new RangeError(`loads start ${firstDate} before the series start ${seriesStart}`);
  const needed = Math.min(WINDOW - 1, daysBefore);
  if (previousLoads.length < needed) {
    throw new RangeError(`need the ${needed} daily loads before ${firstDate}, got ${previousLoads.length}`);
  }
  if (options.weekEndsOn !== undefined) assertIsoWeekday(options.weekEndsOn, 'weekEndsOn');
  if (options.monotonyCap !== undefined && !(options.monotonyCap > 0 && Number.isFinite(options.monotonyCap))) {
    throw new RangeError(`monotonyCap must be a positive number: ${options.monotonyCap}`);
  }
  if (previous !== null) {
    assertFiniteNonNegative(previous.acute, 'previous.acute');
    assertFiniteNonNegative(previous.chronic, 'previous.chronic');
  }

  const window = previousLoads.slice(previousLoads.length - needed);
  window.forEach((load, i) => assertFiniteNonNegative(load, `previousLoads[${i}]`));
  let acute = previous?.acute ?? 0;
  let chronic = previous?.chronic ?? 0;
  const days: LoadDay[] = [];
  let expected = firstDate;
  loads.forEach(({ date, load }, i) => {
    if (date !== expected) throw new RangeError(`loads must be consecutive days: expected ${expected}, got ${date}`);
    expected = addDays(date, 1);
    assertFiniteNonNegative(load, `load on ${date}`);
    const index = daysBefore + i;
    if (index === 0 && options.seed === 'first') {
      acute = load;
      chronic = load;
    } else {
      acute = load * ACUTE_LAMBDA + (1 - ACUTE_LAMBDA) * acute;
      chronic = load * CHRONIC_LAMBDA + (1 - CHRONIC_LAMBDA) * chronic;
    }
    window.push(load);
    if (window.length > WINDOW) window.shift();
    days.push(dayOf(date, load, acute, chronic, index, window, options));
  });
  return days;
}

function dayOf(date: string, load: number, acute: number, chronic: number, index: number, window: readonly number[], options: ContinueOptions): LoadDay {
  const warmup = index < WARMUP_DAYS - 1;
  const acwr = chronic === 0 ? null : acute / chronic;
  const week = window.length === WINDOW ? weekStats(window, options.monotonyCap) : null;
  const day: LoadDay = {
    date,
    load: normaliseZero(load),
    acute: normaliseZero(acute),
    chronic: normaliseZero(chronic),
    acwr: acwr === null ? null : normaliseZero(acwr),
    tsb: normaliseZero(chronic - acute),
    weekLoad: week?.weekLoad ?? null,
    sd: week?.sd ?? null,
    monotony: week?.monotony ?? null,
    strain: week?.strain ?? null,
    warmup,
    acwrAlert: false,
    monotonyAlert: false,
  };
  day.acwrAlert = acwrAlertRaised(day);
  day.monotonyAlert = monotonyAlertRaised(day, options.weekEndsOn);
  return day;
}

interface WeekStats {
  weekLoad: number;
  sd: number;
  monotony: number | null;
  strain: number | null;
}

// Foster 1998 (MSSE 30:1164): monotony = mean/SD of the week's daily loads, strain = week load × monotony.
// Population SD (/7), as Runalyze and calculatorhub; sums recomputed per window, never updated by add/subtract,
// so no drift accumulates and an incremental run matches a full one exactly.
function weekStats(window: readonly number[], cap: number | undefined): WeekStats {
  const weekLoad = window.reduce((sum, load) => sum + load, 0);
  const mean = weekLoad / WINDOW;
  const sd = Math.sqrt(window.reduce((sum, load) => sum + (load - mean) ** 2, 0) / WINDOW);
  // 0.1 + 0.2 vs 0.3 must not read as monotony 1e16 (science.md §2.5).
  const sdIsZero = sd <= 1e-9 * Math.max(1, mean);
  let monotony: number | null = sdIsZero ? null : mean / sd;
  if (cap !== undefined && weekLoad > 0) monotony = monotony === null ? cap : Math.min(monotony, cap);
  const strain = weekLoad === 0 ? 0 : monotony === null ? null : weekLoad * monotony;
  return { weekLoad: normaliseZero(weekLoad), sd: sdIsZero ? 0 : sd, monotony, strain };
}

function assertFiniteNonNegative(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

// -0 (e.g. 0 × -1 from a client) would serialise as 0 but compare oddly with Object.is and in snapshots.
function normaliseZero(value: number): number {
  return value === 0 ? 0 : value;
}
