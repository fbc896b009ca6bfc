import { functions } from '../../lib/topology';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';
import { listNotifications } from '../../shared/notifications/inbox';

export const handler = httpHandler(functions.listNotifications, async ({ query, userId }) => ({
  notifications: await listNotifications(getDb(), userId, { unreadOnly: query.unread === 'true' }),
}));
