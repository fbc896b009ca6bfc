// Which 60-day means the athlete's profile takes (users.resting_hr, users.hrv_rmssd): TRIMP's heart-rate reserve
// reads the resting HR, the readiness rule the HRV centre. Pure: the caller reads the days and writes the result.
import type { Baselines } from './readiness';

export interface HeartProfile {
  restingHr: number | null;
  hrvRmssd: number | null;
  maxHr: number | null;
  lactateThresholdHr: number | null;
}

/** The profile values that change; absent = keep the stored one. */
export interface BaselineUpdate {
  restingHr?: number;
  hrvRmssd?: number;
}

/**
 * The profile follows the means. A null mean (fewer than 14 readings, see `baselines`) keeps the old value; a
 * resting HR that would reach the lactate-threshold or max HR is not taken (the profile's order check) and waits
 * for the athlete to fix those. Values outside what the profile stores (resting HR 25-120 bpm, rMSSD 0-500 ms)
 * are not taken either.
 */
export function followBaselines(profile: HeartProfile, means: Baselines): BaselineUpdate {
  const restingHr = means.restingHr === null ? null : Math.round(means.restingHr);
  const ceiling = Math.min(profile.maxHr ?? Infinity, profile.lactateThresholdHr ?? Infinity);
  const update: BaselineUpdate = {};
  if (restingHr !== null && restingHr >= 25 && restingHr <= 120 && restingHr < ceiling && restingHr !== profile.restingHr) update.restingHr = restingHr;
  if (means.hrvRmssdMs !== null && means.hrvRmssdMs > 0 && means.hrvRmssdMs < 500 && means.hrvRmssdMs !== profile.hrvRmssd) update.hrvRmssd = means.hrvRmssdMs;
  return update;
}
