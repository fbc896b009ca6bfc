// POST /api/v1/integrations/garmin/connect {garminUserId, userAccessToken}: link the user's Garmin account.
import { connectGarmin as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';
import { connectGarmin } from '#shared/vendors/integrations';

export const handler = httpHandler(spec, async ({ body, userId }) =>
  respond(201, await connectGarmin(getDb(), userId, body, clock().now()), { Location: '/api/v1/integrations/garmin' }),
);
