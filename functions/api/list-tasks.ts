import { listTasks as spec } from '#lib/topology';
import { listOpenTasks } from '#shared/activities/tasks';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ userId }) => ({ tasks: await listOpenTasks(getDb(), userId) }));
