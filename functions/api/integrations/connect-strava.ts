// POST /api/v1/integrations/strava/connect {code}: link the user's Strava athlete.
import { connectStrava as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';
import { connectStrava } from '#shared/vendors/integrations';

export const handler = httpHandler(spec, async ({ body, userId }) =>
  respond(201, await connectStrava(getDb(), userId, body, clock().now()), { Location: '/api/v1/integrations/strava' }),
);
