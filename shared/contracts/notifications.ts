// GET /api/v1/notifications and POST /api/v1/notifications/{id}/read.
import * as z from 'zod';
import { notificationKinds } from '#shared/db/schema';

export const Notification = z
  .object({
    id: z.uuid(),
    kind: z.enum(notificationKinds),
    title: z.string(),
    body: z.string(),
    /** What the notification is about, e.g. { activityId, taskId }. */
    data: z.record(z.string(), z.unknown()),
    read: z.boolean(),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification', examples: [notificationExample()] });
export type Notification = z.infer<typeof Notification>;

export const ListNotificationsQuery = z.object({
  /** `true`: only the unread ones. */
  unread: z.enum(['true', 'false']).optional(),
});

export const NotificationList = z
  .object({ notifications: z.array(Notification) })
  .meta({ id: 'NotificationList', examples: [{ notifications: [notificationExample()] }] });

function notificationExample() {
  return {
    id: '7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
    kind: 'pending_task',
    title: 'How hard was your run?',
    body: 'Rate the effort of your 52-minute run of Wednesday.',
    data: { activityId: '0b6f4c1e-5d0a-4f7e-9a39-3c2b1d7e8f90', taskId: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6' },
    read: false,
    readAt: null,
    createdAt: '2024-05-01T06:31:12.000Z',
  };
}
export const NotificationIdParams = z.object({ id: z.uuid().meta({ examples: ['7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f'] }) });
