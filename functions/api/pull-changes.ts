import { functions } from '../../lib/topology';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';
import { pullChanges } from '../../shared/sync/feed';

export const handler = httpHandler(functions.pullChanges, async ({ query, userId }) => pullChanges(getDb(), userId, query));
