import { restoreWorkout as spec } from '#lib/topology';
import { restoreWorkout } from '#shared/adaptation/restore';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ params, userId }) => restoreWorkout(getDb(), userId, params.id, clock().now()));
