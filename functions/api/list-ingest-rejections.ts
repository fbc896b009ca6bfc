import { listIngestRejections as spec } from '#lib/topology';
import { listRejections } from '#shared/activities/rejections';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ userId }) => ({ rejections: await listRejections(getDb(), userId) }));
