// The daily check-in, readiness and training-load read models, as the app sees them. Every value is checked
// here, once, at the edge; "not after the athlete's local today" needs their time zone and is checked by
// shared/metrics/daily-metrics.ts. Ranges follow the database CHECKs (migrations/0001_initial.ts).
import * as z from 'zod';
import { addDays, daysBetween, isValidDate } from '#shared/domain/dates';
import { readinessLights, riskAlertKinds } from '#shared/db/schema';
import { CalendarDate } from './dates';
const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** A 1-10 self-report. */
const scale = int(1, 10);

/**
 * The check-in fields, shared by the app's body and vendor wellness (shared/metrics/daily-metrics.ts).
 * Absent: keep what the day already has (another source may have written it); null: clear the value.
 */
export const DailyMetricsFields = {
  restingHr: int(25, 120).nullable().optional(),
  /** rMSSD, ms, from a morning recording. */
  hrvRmssd: z.number().gt(0).lt(500).nullable().optional(),
  weightKg: z.number().min(25).max(300).nullable().optional(),
  sleepDurationMinutes: int(0, 1440).nullable().optional(),
  sleepQuality: scale.nullable().optional(),
  morningReadiness: scale.nullable().optional(),
  soreness: scale.nullable().optional(),
  stress: scale.nullable().optional(),
  mood: scale.nullable().optional(),
};

/** POST /api/v1/daily-metrics. Strict: a misspelt field is a 422 naming it, not a silent no-op. */
export const LogDailyMetricsBody = z.strictObject({ date: CalendarDate, ...DailyMetricsFields }).meta({
  id: 'LogDailyMetricsBody',
  examples: [{ date: '2024-05-01', restingHr: 48, hrvRmssd: 64.2, sleepDurationMinutes: 450, sleepQuality: 7, soreness: 3, stress: 4, mood: 7 }],
});
export type LogDailyMetricsBody = z.infer<typeof LogDailyMetricsBody>;

/** Vendor wellness (Garmin, Apple Health) feeds the same path; Apple reports SDNN, never stored as rMSSD. */
export const DailyMetricsCandidate = LogDailyMetricsBody.extend({
  hrvSdnnMs: z.number().gt(0).lt(500).nullable().optional(),
});
export type DailyMetricsCandidate = z.infer<typeof DailyMetricsCandidate>;

export const ReadinessReason = z.object({
  code: z.string(),
  message: z.string(),
  /** strong: red on its own; flag: counts towards yellow/red; info: explains, changes nothing. */
  severity: z.enum(['strong', 'flag', 'info']),
});

export const Readiness = z.object({ light: z.enum(readinessLights), reasons: z.array(ReadinessReason) }).meta({ id: 'Readiness' });

export const DailyMetricsDay = z
  .object({
    date: CalendarDate,
    restingHr: z.number().nullable(),
    hrvRmssd: z.number().nullable(),
    hrvSdnnMs: z.number().nullable(),
    weightKg: z.number().nullable(),
    sleepDurationMinutes: z.number().nullable(),
    sleepQuality: z.number().nullable(),
    /** Hours slept x quality, 0-100. */
    sleepIndex: z.number().nullable(),
    morningReadiness: z.number().nullable(),
    soreness: z.number().nullable(),
    stress: z.number().nullable(),
    mood: z.number().nullable(),
    /** Null until the day has been judged. */
    readiness: Readiness.nullable(),
  })
  .meta({ id: 'DailyMetric', examples: [dailyMetricExample()] });
export type DailyMetricsDay = z.infer<typeof DailyMetricsDay>;

/** The same day `years` later; 29 February becomes 1 March in a common year. */
export function sameDayYearsLater(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  if (year > 9999) return '9999-12-31';
  const later = `${String(year).padStart(4, '0')}${date.slice(4)}`;
  return isValidDate(later) ? later : addDays(`${later.slice(0, 8)}28`, 1);
}

/** ?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included; a range over three years is a 400. */
export const DateRangeQuery = z.object({ from: CalendarDate, to: CalendarDate }).superRefine(({ from, to }, ctx) => {
  if (!isValidDate(from) || !isValidDate(to)) return;
  if (daysBetween(from, to) < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (to > sameDayYearsLater(from, 3)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be at most 3 years after from' });
});
export type DateRangeQuery = z.infer<typeof DateRangeQuery>;

export const DailyMetricsList = z.object({ days: z.array(DailyMetricsDay) }).meta({ id: 'DailyMetricList', examples: [{ days: [dailyMetricExample()] }] });

export const LoadDay = z
  .object({
    date: CalendarDate,
    /** The day's internal load (sum of duration x RPE), AU. */
    load: z.number(),
    /** 7-day EWMA (lambda 2/8), AU. */
    acute: z.number(),
    /** 28-day EWMA (lambda 2/29), AU. */
    chronic: z.number(),
    /** acute / chronic; null while chronic is 0. */
    acwr: z.number().nullable(),
    /** chronic - acute on the same day's 7/28 EWMAs: not TrainingPeaks "Form" (42/7, lambda 1/tau). */
    tsb: z.number(),
    /** mean / population SD of the 7 days ending on date; null for the first 6 days and identical days. */
    monotony: z.number().nullable(),
    /** 7-day load x monotony; 0 for an empty week, null when monotony is. */
    strain: z.number().nullable(),
  })
  .meta({ id: 'LoadDay' });

export const RiskAlert = z
  .object({
    id: z.uuid(),
    kind: z.enum(riskAlertKinds),
    date: CalendarDate,
    /** The numbers that raised it: acwr/acute/chronic, or monotony/weekLoad/strain/sd. */
    metrics: z.record(z.string(), z.number().nullable()),
  })
  .meta({ id: 'RiskAlert' });

export const LoadReport = z.object({ days: z.array(LoadDay), alerts: z.array(RiskAlert) }).meta({
  id: 'LoadReport',
  examples: [
    {
      days: [{ date: '2024-05-01', load: 312, acute: 290.4, chronic: 245.1, acwr: 1.18, tsb: -45.3, monotony: 1.42, strain: 2890.6 }],
      alerts: [{ id: '3c2b1d7e-8f90-4a6b-9c7d-0e1f2a3b4c5d', kind: 'acwr', date: '2024-05-01', metrics: { acwr: 1.62, acute: 410.2, chronic: 253.2 } }],
    },
  ],
});

function dailyMetricExample() {
  return {
    date: '2024-05-01',
    restingHr: 48,
    hrvRmssd: 64.2,
    hrvSdnnMs: null,
    weightKg: null,
    sleepDurationMinutes: 450,
    sleepQuality: 7,
    sleepIndex: 65.6,
    morningReadiness: null,
    soreness: 3,
    stress: 4,
    mood: 7,
    readiness: { light: 'green', reasons: [{ code: 'hrv_normal', message: 'HRV is within your usual range', severity: 'info' }] },
  };
}
export type LoadReport = z.infer<typeof LoadReport>;
