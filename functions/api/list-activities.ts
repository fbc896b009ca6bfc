import { listActivities as spec } from '#lib/topology';
import { listActivities } from '#shared/activities/service';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ query, userId }) => ({
  activities: await listActivities(getDb(), userId, query, clock().now()),
}));
