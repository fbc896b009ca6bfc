import { updateActivity as spec } from '#lib/topology';
import { updateActivity } from '#shared/activities/service';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ params, body, userId }) =>
  updateActivity({ db: getDb(), publisher: eventBridgePublisher, now: clock().now() }, userId, params.id, body),
);
