// POST /api/v1/integrations/garmin/connect {garminUserId, userAccessToken}: link the user's Garmin account.
import { functions } from '../../../lib/topology';
import { getDb } from '../../../shared/db/connection';
import { httpHandler } from '../../../shared/http/handler';
import { connectGarmin } from '../../../shared/vendors/integrations';

export const handler = httpHandler(functions.connectGarmin, async ({ body, userId }) => connectGarmin(getDb(), userId, body));
