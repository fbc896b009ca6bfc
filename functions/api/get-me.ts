import { getMe as spec } from '#lib/topology';
import { getMe } from '#shared/account/profile';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ userId }) => getMe(getDb(), userId));
