// The athlete's notifications (GET /notifications, POST /notifications/{id}/read). Workers and services
// write them with a dedupe key so a re-run never notifies twice; this is the reading side.
import { sql } from 'kysely';
import type { Notification } from '#shared/contracts/notifications';
import type { Conn } from '#shared/db/connection';
import type { NotificationRow } from '#shared/db/schema';
import { NotFound } from '#shared/errors';
import { homeChanged } from '#shared/home/cache';

/** The newest first; older ones stay in the database (and in the export). */
const PAGE = 100;

/** What a notification reads as; the sync feed reads the same columns. */
export const notificationColumns = ['id', 'kind', 'title', 'body', 'data', 'read_at', 'created_at'] as const;
const columns = notificationColumns;
type Listed = Pick<NotificationRow, (typeof columns)[number]>;

export function toNotification(row: Listed): Notification {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: row.data,
    read: row.read_at !== null,
    readAt: row.read_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listNotifications(db: Conn, userId: string, options: { unreadOnly?: boolean } = {}): Promise<Notification[]> {
  let query = db.selectFrom('notifications').select(columns).where('user_id', '=', userId);
  if (options.unreadOnly) query = query.where('read_at', 'is', null);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(PAGE).execute();
  return rows.map(toNotification);
}

/** Idempotent: reading twice keeps the first read time. Another user's notification is not found. */
export async function markNotificationRead(db: Conn, userId: string, id: string, now: Date): Promise<Notification> {
  const row = await db
    .updateTable('notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  if (!row) throw new NotFound('No such notification');
  await homeChanged(userId);
  return toNotification(row);
}

/**
 * The set-based form (offline sync), in one statement: marks the unread ones read (a read one is not touched, so
 * it does not reappear in the sync feed) and returns every id that is the user's.
 */
export async function markNotificationsRead(db: Conn, userId: string, ids: readonly string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with target as (
      select id, read_at from notifications where user_id = ${userId} and id = any(${ids}::uuid[])
    ),
    marked as (
      update notifications n set read_at = ${now}
        from target t
       where n.user_id = ${userId} and n.id = t.id and t.read_at is null
    )
    select id from target`.execute(db);
  return rows.map((r) => r.id);
}
