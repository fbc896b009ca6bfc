import { functions } from '../../lib/topology';
import { getMe } from '../../shared/account/profile';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(functions.getMe, async ({ userId }) => getMe(getDb(), userId));
