import { getActivity as spec } from '#lib/topology';
import { getActivity } from '#shared/activities/service';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ params, userId }) => getActivity(getDb(), userId, params.id));
