import { pushMutations as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler } from '#shared/http/handler';
import { pushMutations } from '#shared/sync/push';

export const handler = httpHandler(spec, async ({ body, userId }) =>
  pushMutations({ db: getDb(), publisher: eventBridgePublisher, now: clock().now() }, userId, body.mutations),
);
