// POST /api/v1/integrations/strava/connect {code}: link the user's Strava athlete.
import { functions } from '../../../lib/topology';
import { getDb } from '../../../shared/db/connection';
import { httpHandler } from '../../../shared/http/handler';
import { connectStrava } from '../../../shared/vendors/integrations';

export const handler = httpHandler(functions.connectStrava, async ({ body, userId }) => connectStrava(getDb(), userId, body));
