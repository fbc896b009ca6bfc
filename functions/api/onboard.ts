import { functions } from '../../lib/topology';
import { clock } from '../../shared/clock';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';
import { onboard } from '../../shared/plans/service';

export const handler = httpHandler(functions.onboard, async ({ body, userId }) => onboard(getDb(), userId, body, clock().now()));
