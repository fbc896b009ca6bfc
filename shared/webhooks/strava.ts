// Strava webhook events to intake items. Events carry ids only; the worker fetches the activity.
import { classifyStravaEvent, type StravaEvent } from '../vendors/strava';
import type { IntakeItem } from './intake';

export type StravaDecision =
  | { kind: 'publish'; item: IntakeItem; action: 'activity-upsert' | 'activity-delete' | 'deauthorize' }
  /** Not for us to act on (an athlete update other than a deauthorization): answered 200, nothing published. */
  | { kind: 'ignore'; reason: string; eventKey: string }
  /** Another subscription's event: refused (403). */
  | { kind: 'forbidden'; reason: string };

/**
 * `subscriptionId` is ours when configured. Without it (before the operator records it, see README)
 * events are accepted unchecked: Strava's webhook is unsigned, and an event only makes the worker read
 * the athlete's activity from Strava with the athlete's own token, so a forged one can do little.
 */
export function stravaDecision(event: StravaEvent, subscriptionId: number | undefined): StravaDecision {
  if (subscriptionId !== undefined && event.subscription_id !== subscriptionId) {
    return { kind: 'forbidden', reason: 'The event belongs to another subscription' };
  }
  const action = classifyStravaEvent(event, subscriptionId);
  if (action.kind === 'ignore') return { kind: 'ignore', reason: action.reason, eventKey: action.eventKey };
  // The payload is the event exactly as validated: the worker classifies it again (ports.ts).
  return { kind: 'publish', action: action.kind, item: { vendor: 'strava', eventKey: action.eventKey, payload: event } };
}
