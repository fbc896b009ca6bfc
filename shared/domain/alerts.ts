// RiskAlert rules (DESIGN.md "RiskAlert when ACWR > 1.5 or monotony > 2.0", refined by the metrics issue).
// The thresholds are contested (Impellizzeri 2020; science.md §1): alerts are prompts to look, not diagnoses.
import { isoWeekday, type IsoWeekday } from './dates';
import type { LoadDay } from './load';

/** Gabbett 2016's "danger zone" starts at 1.5; DESIGN.md says strictly above (no vector sits on the edge). */
export const ACWR_ALERT_ABOVE = 1.5;
/** fellrnr/Runalyze call monotony above 2.0 too high. */
export const MONOTONY_ALERT_ABOVE = 2.0;

export type RiskAlertKind = 'acwr' | 'monotony';

export type RiskAlert =
  | { kind: 'acwr'; date: string; values: { acwr: number; acute: number; chronic: number } }
  | {
      kind: 'monotony';
      date: string;
      /** monotony and strain are null when the 7 days were identical (SD 0): "infinitely" monotonous. */
      values: { monotony: number | null; weekLoad: number; strain: number | null; sd: number };
    };

/**
 * ACWR above 1.5 once the series is 28 days old: before that a 0-seeded ratio is a start-up artefact
 * (3.625 on day 0 for any load). A return after a long break does alert: chronic is small but real.
 */
export function acwrAlertRaised(day: Pick<LoadDay, 'acwr' | 'warmup'>): boolean {
  return !day.warmup && day.acwr !== null && day.acwr > ACWR_ALERT_ABOVE;
}

/**
 * Monotony above 2.0, or a loaded week of identical days (SD 0), over a complete 7-day window.
 * With `weekEndsOn` (ISO weekday of the last day of the user's training week) only that day is judged, so the
 * athlete hears it once a week ("if end of week"); without it every day is judged, as the reference vectors do.
 */
export function monotonyAlertRaised(day: Pick<LoadDay, 'date' | 'weekLoad' | 'monotony' | 'sd'>, weekEndsOn?: IsoWeekday): boolean {
  if (day.weekLoad === null || day.sd === null || day.weekLoad <= 0) return false;
  if (weekEndsOn !== undefined && isoWeekday(day.date) !== weekEndsOn) return false;
  return day.sd === 0 || (day.monotony !== null && day.monotony > MONOTONY_ALERT_ABOVE);
}

/** The alerts a computed series raises: at most one per kind and day, each with the numbers that raised it. */
export function riskAlerts(days: readonly LoadDay[]): RiskAlert[] {
  const alerts: RiskAlert[] = [];
  const seen = new Set<string>();
  const once = (kind: RiskAlertKind, date: string): boolean => {
    const key = `${kind} ${date}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const day of days) {
    if (day.acwrAlert && day.acwr !== null && once('acwr', day.date)) {
      alerts.push({ kind: 'acwr', date: day.date, values: { acwr: day.acwr, acute: day.acute, chronic: day.chronic } });
    }
    if (day.monotonyAlert && day.weekLoad !== null && day.sd !== null && once('monotony', day.date)) {
      alerts.push({
        kind: 'monotony',
        date: day.date,
        values: { monotony: day.monotony, weekLoad: day.weekLoad, strain: day.strain, sd: day.sd },
      });
    }
  }
  return alerts;
}
