import { functions } from '../../lib/topology';
import { listRejections } from '../../shared/activities/rejections';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(functions.listIngestRejections, async ({ userId }) => ({ rejections: await listRejections(getDb(), userId) }));
