import { updateMe as spec } from '#lib/topology';
import { updateMe } from '#shared/account/profile';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ body, userId }) => updateMe(getDb(), eventBridgePublisher, userId, body, clock().now()));
