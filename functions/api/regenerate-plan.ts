import { regeneratePlan as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { regeneratePlan } from '#shared/plans/service';

export const handler = httpHandler(spec, async ({ body, userId }) => regeneratePlan(getDb(), userId, body, clock().now()));
