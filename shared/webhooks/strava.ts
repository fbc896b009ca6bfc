// Strava webhook events to intake items. Events carry ids only; the worker fetches the activity.
import { classifyStravaEvent, type StravaEvent } from '#shared/vendors/strava/webhook';
import type { IntakeItem } from './intake';

export type StravaDecision =
  | { kind: 'publish'; item: IntakeItem; action: 'activity-upsert' | 'activity-delete' | 'deauthorize' }
  /** Not for us to act on (an athlete update other than a deauthorization): answered 200, nothing published. */
  | { kind: 'ignore'; reason: string; eventKey: string };

/**
 * The subscription id is not checked here: answering another id differently (a 403) lets anyone probe for
 * ours. Every well-formed event is answered alike and published; the worker drops another subscription's
 * events and verifies the rest with Strava before acting (shared/activities/normalize.ts).
 */
export function stravaDecision(event: StravaEvent): StravaDecision {
  const action = classifyStravaEvent(event);
  if (action.kind === 'ignore') return { kind: 'ignore', reason: action.reason, eventKey: action.eventKey };
  // The payload is the event exactly as validated: the worker classifies it again (ports.ts).
  return { kind: 'publish', action: action.kind, item: { vendor: 'strava', eventKey: action.eventKey, payload: event } };
}
