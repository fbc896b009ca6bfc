// A source's values merged into the stored day: a value that is absent keeps what the day has (another source
// may have reported it); null clears it.
import type { DailyMetricsCandidate } from '#shared/contracts/metrics';
import type { DailyMetricsTable } from '#shared/db/schema';
import type { DayRow } from './daily-metrics-store';

/** API name -> column, for every value a source may report. */
const FIELDS = {
  restingHr: 'resting_hr',
  hrvRmssd: 'hrv_rmssd',
  hrvSdnnMs: 'hrv_sdnn_ms',
  weightKg: 'weight_kg',
  sleepDurationMinutes: 'sleep_duration_minutes',
  sleepQuality: 'sleep_quality',
  morningReadiness: 'morning_readiness',
  soreness: 'soreness',
  stress: 'stress',
  mood: 'mood',
} as const satisfies Partial<Record<keyof DailyMetricsCandidate, keyof DailyMetricsTable>>;

/** A day nothing was reported for yet. Its timestamps are the database's once written (upsertDays leaves them out). */
export function emptyDay(userId: string, date: string, now: Date): DayRow {
  return {
    user_id: userId,
    date,
    resting_hr: null,
    hrv_rmssd: null,
    hrv_sdnn_ms: null,
    weight_kg: null,
    sleep_duration_minutes: null,
    sleep_quality: null,
    sleep_index: null,
    morning_readiness: null,
    soreness: null,
    stress: null,
    mood: null,
    readiness_light: null,
    readiness_reasons: [],
    created_at: now,
    updated_at: now,
  };
}

export function mergeDay(day: DayRow, candidate: DailyMetricsCandidate): DayRow {
  const merged = { ...day };
  for (const [field, column] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
    const value = candidate[field];
    if (value !== undefined) merged[column] = value;
  }
  return merged;
}
