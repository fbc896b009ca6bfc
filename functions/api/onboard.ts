import { onboard as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler, respond } from '#shared/http/handler';
import { onboard } from '#shared/plans/service';

export const handler = httpHandler(spec, async ({ body, userId }) =>
  respond(201, await onboard(getDb(), eventBridgePublisher, userId, body, clock().now()), { Location: '/api/v1/plan/current' }),
);
