import { listNotifications as spec } from '#lib/topology';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { listNotifications } from '#shared/notifications/inbox';

export const handler = httpHandler(spec, async ({ query, userId }) => ({
  notifications: await listNotifications(getDb(), userId, { unreadOnly: query.unread === 'true' }),
}));
