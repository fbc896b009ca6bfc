import { pullChanges as spec } from '#lib/topology';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { pullChanges } from '#shared/sync/feed';

export const handler = httpHandler(spec, async ({ query, userId }) => pullChanges(getDb(), userId, query));
