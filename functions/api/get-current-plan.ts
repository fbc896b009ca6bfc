import { getCurrentPlan as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { currentPlan } from '#shared/plans/service';

export const handler = httpHandler(spec, async ({ query, userId }) => currentPlan(getDb(), userId, query, clock().now()));
