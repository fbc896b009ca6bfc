// One session delivered by two sources (watch -> Garmin -> Strava) is one counted activity. Pure.
import type { ActivitySource } from './activity-vocabulary';

/** What the duplicate check needs; a stored activity row provides it as well as a candidate. */
export interface DuplicateProbe {
  source: ActivitySource;
  startTime: string | Date;
  durationMinutes: number;
}

const DUPLICATE_START_WINDOW_MS = 2 * 60_000;
const DUPLICATE_DURATION_TOLERANCE = 0.05;

/**
 * The same session delivered by two sources (watch -> Garmin -> Strava). The caller has already matched the
 * user. Same-source repeats are not duplicates: the external id makes them an update of one activity.
 * The 5% is of the longer duration, so the check is symmetric.
 */
export function isCrossSourceDuplicate(a: DuplicateProbe, b: DuplicateProbe): boolean {
  if (a.source === b.source) return false;
  const gap = Math.abs(instantMs(a.startTime) - instantMs(b.startTime));
  if (!(gap <= DUPLICATE_START_WINDOW_MS)) return false;
  const longer = Math.max(a.durationMinutes, b.durationMinutes);
  return longer > 0 && Math.abs(a.durationMinutes - b.durationMinutes) <= DUPLICATE_DURATION_TOLERANCE * longer;
}

const instantMs = (t: string | Date) => (typeof t === 'string' ? Date.parse(t) : t.getTime());
