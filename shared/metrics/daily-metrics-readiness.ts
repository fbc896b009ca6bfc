// The readiness judgement of a stored day: its sleep index and green/yellow/red light with the reasons, from the
// merged check-in values and the resting HR / HRV history (the rule itself: shared/domain/readiness.ts).
import { assessReadiness, sleepIndex, type DailyPhysiology } from '#shared/domain/readiness';
import type { JsonArray } from '#shared/db/schema';
import type { DayRow } from './daily-metrics-store';

/** The readiness rule looks back 60 days for the normal ranges (shared/domain/readiness.ts). */
export const HISTORY_DAYS = 60;

/** Resting HR and rMSSD of each day, the series the readiness rule and the baselines read. */
export function physiologyOf(days: Iterable<DayRow>): DailyPhysiology[] {
  return [...days].map((d) => ({ date: d.date, restingHr: d.resting_hr, rmssd: d.hrv_rmssd }));
}

/** The day with its sleep index and readiness judged on its own date. */
export function judgeDay(day: DayRow, physiology: readonly DailyPhysiology[], lastActivityRpe: number | null): DayRow {
  const readiness = assessReadiness({
    today: day.date,
    physiology,
    checkIn: {
      sleepMinutes: day.sleep_duration_minutes,
      sleepQuality: day.sleep_quality,
      soreness: day.soreness,
      morningReadiness: day.morning_readiness,
      stress: day.stress,
    },
    lastActivityRpe,
  });
  return {
    ...day,
    sleep_index: day.sleep_duration_minutes === null || day.sleep_quality === null ? null : sleepIndex(day.sleep_duration_minutes, day.sleep_quality),
    readiness_light: readiness.light,
    readiness_reasons: readiness.reasons as unknown as JsonArray,
  };
}
