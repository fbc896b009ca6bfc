// The Apple Health relay to intake items: one per workout and one per day of dailies, each a relay of its
// own (shared/vendors/ports.ts), published with the user's id since the relay is authenticated as them.
import type { AppleRelay } from '#shared/vendors/apple/relay';
import { contentDigest } from './event-key';
import type { IntakeItem } from './intake';

export interface AppleItemRef {
  kind: 'workout' | 'daily';
  /** The workout's HealthKit UUID (upper case) or the daily's date. */
  id: string;
}

/**
 * Event identity: the user, the HKObject UUID (or the day) and a digest of the item, so the app re-sending
 * an unchanged workout is a duplicate while an edited one (an RPE added later) is a new event.
 */
export function appleIntakeItems(relay: AppleRelay, userId: string): Array<{ ref: AppleItemRef; item: IntakeItem }> {
  const out: Array<{ ref: AppleItemRef; item: IntakeItem }> = [];
  for (const workout of relay.workouts) {
    const uuid = workout.uuid.toUpperCase();
    out.push({
      ref: { kind: 'workout', id: uuid },
      item: { vendor: 'apple', userId, eventKey: `apple:${userId}:workout:${uuid}:${contentDigest(workout)}`, payload: { workouts: [workout] } },
    });
  }
  for (const daily of relay.dailies ?? []) {
    out.push({
      ref: { kind: 'daily', id: daily.date },
      item: { vendor: 'apple', userId, eventKey: `apple:${userId}:daily:${daily.date}:${contentDigest(daily)}`, payload: { workouts: [], dailies: [daily] } },
    });
  }
  return out;
}
