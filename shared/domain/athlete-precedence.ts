// Whose word wins when an activity is delivered again: a vendor never overwrites what the athlete said
// (rpe, feeling, notes, and a run type only the athlete gives); the athlete's own entry does. Pure.
import type { ActivityType } from './activity-vocabulary';

/** Types only the athlete gives: vendors say run, trail_run or treadmill. */
const refinedRunTypes: ReadonlySet<ActivityType> = new Set<ActivityType>(['long_run', 'interval', 'recovery', 'tempo', 'race']);
const vendorRunTypes: ReadonlySet<ActivityType> = new Set<ActivityType>(['run', 'trail_run', 'treadmill']);

/**
 * The value a redelivery leaves: the athlete's entry wins over what is stored, what is stored wins over a
 * vendor's. Absent and null alike keep what is stored: clearing a value is PATCH's job, not a retried POST's.
 */
export function keptValue<T>(incoming: T | null | undefined, stored: T | null | undefined, athleteWins: boolean): T | null {
  return athleteWins ? (incoming ?? stored ?? null) : (stored ?? incoming ?? null);
}

/**
 * Whether `kept` stays when `incoming` arrives: a vendor's plain run (run, trail_run, treadmill) does not
 * undo the athlete's refinement of it (a tempo, a long run...); a real change of sport (a ride) does.
 */
export function refinedRunTypeStands(kept: ActivityType, incoming: ActivityType): boolean {
  return refinedRunTypes.has(kept) && vendorRunTypes.has(incoming);
}
