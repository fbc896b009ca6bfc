// Strava's webhook: the events it posts and the subscription validation it asks for. Pure: the webhook
// handler and the worker call these and do the I/O.
// https://developers.strava.com/docs/webhooks/
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { stravaId } from './activity';

// Strava writes booleans in `updates` as the strings "true"/"false".
const stravaFlag = z.union([z.enum(['true', 'false']), z.boolean()]);

export const StravaEvent = z
  .object({
    object_type: z.enum(['activity', 'athlete']),
    object_id: stravaId,
    aspect_type: z.enum(['create', 'update', 'delete']),
    // Known keys only: anything else is dropped unread, so a hostile `updates` cannot make us walk it.
    updates: z
      .object({
        title: z.string().max(1000).optional(),
        type: z.string().max(64).optional(),
        sport_type: z.string().max(64).optional(),
        private: stravaFlag.optional(),
        authorized: stravaFlag.optional(),
      })
      .default({}),
    owner_id: stravaId,
    subscription_id: stravaId,
    event_time: z.int().nonnegative(),
  })
  .meta({
    id: 'StravaEvent',
    examples: [
      {
        object_type: 'activity',
        object_id: 11_846_259_375,
        aspect_type: 'create',
        updates: {},
        owner_id: 134_815,
        subscription_id: 120_475,
        event_time: 1_714_545_600,
      },
    ],
  });
export type StravaEvent = z.infer<typeof StravaEvent>;

export type StravaEventAction =
  | { kind: 'activity-upsert'; athleteId: string; activityId: string; eventKey: string }
  | { kind: 'activity-delete'; athleteId: string; activityId: string; eventKey: string }
  | { kind: 'deauthorize'; athleteId: string; eventKey: string }
  | { kind: 'ignore'; reason: string; eventKey: string };

/**
 * What an event asks us to do. Events carry no activity data, so create and every update alike mean
 * "fetch the activity and upsert it". `eventKey` is identical for Strava's retries of one event: the
 * idempotency key. Ids are strings because we store them as text.
 */
export function classifyStravaEvent(event: StravaEvent, ourSubscriptionId?: number): StravaEventAction {
  const eventKey = `strava:${event.subscription_id}:${event.object_type}:${event.object_id}:${event.aspect_type}:${event.event_time}`;
  if (ourSubscriptionId !== undefined && event.subscription_id !== ourSubscriptionId) {
    return { kind: 'ignore', reason: `subscription ${event.subscription_id} is not ours`, eventKey };
  }
  const athleteId = String(event.owner_id);
  if (event.object_type === 'athlete') {
    const authorized = event.updates.authorized;
    if (event.aspect_type === 'update' && (authorized === 'false' || authorized === false)) {
      return { kind: 'deauthorize', athleteId, eventKey };
    }
    return { kind: 'ignore', reason: 'athlete event other than a deauthorization', eventKey };
  }
  const activityId = String(event.object_id);
  if (event.aspect_type === 'delete') return { kind: 'activity-delete', athleteId, activityId, eventKey };
  return { kind: 'activity-upsert', athleteId, activityId, eventKey };
}

export const StravaSubscriptionQuery = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.challenge': z.string().min(1).max(256),
  'hub.verify_token': z.string().min(1).max(256),
});
export type StravaSubscriptionQuery = z.infer<typeof StravaSubscriptionQuery>;

/** Echo the challenge only to someone who knows our verify token (compared in constant time). */
export function answerSubscriptionValidation(
  query: StravaSubscriptionQuery,
  verifyToken: string,
): { status: 200; body: { 'hub.challenge': string } } | { status: 403 } {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(query['hub.verify_token']), digest(verifyToken))
    ? { status: 200, body: { 'hub.challenge': query['hub.challenge'] } }
    : { status: 403 };
}
