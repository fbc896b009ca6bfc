import { readNotification as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { markNotificationRead } from '#shared/notifications/inbox';

export const handler = httpHandler(spec, async ({ params, userId }) => markNotificationRead(getDb(), userId, params.id, clock().now()));
