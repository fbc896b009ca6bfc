import { createActivity as spec } from '#lib/topology';
import { createActivity } from '#shared/activities/service';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler, respond } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ body, userId }) => {
  const deps = { db: getDb(), publisher: eventBridgePublisher, now: clock().now() };
  const { created, activity } = await createActivity(deps, userId, body);
  // A retry of an entry the app already sent (same externalId) is the same activity, not a new one.
  return respond(created ? 201 : 200, activity, created ? { Location: `/api/v1/activities/${activity.id}` } : {});
});
