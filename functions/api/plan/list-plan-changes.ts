import { listPlanChanges as spec } from '#lib/topology';
import { listPlanChanges } from '#shared/adaptation/restore';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ userId }) => ({ changes: await listPlanChanges(getDb(), userId) }));
