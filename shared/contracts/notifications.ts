// GET /api/v1/notifications and POST /api/v1/notifications/{id}/read.
import { z } from 'zod';
import { notificationKinds } from '../db/schema';

export const Notification = z.object({
  id: z.uuid(),
  kind: z.enum(notificationKinds),
  title: z.string(),
  body: z.string(),
  /** What the notification is about, e.g. { activityId, taskId }. */
  data: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof Notification>;

export const ListNotificationsQuery = z.object({
  /** `true`: only the unread ones. */
  unread: z.enum(['true', 'false']).optional(),
});

export const NotificationList = z.object({ notifications: z.array(Notification) });
export const NotificationIdParams = z.object({ id: z.uuid() });
