// The athlete's to-dos (GET /tasks). Tasks are opened and closed by the activity service (service.ts): a
// counted activity without RPE opens one, RPE from the athlete or a vendor closes it; the athlete may also
// dismiss one from the app (offline sync).
import { sql } from 'kysely';
import type { Task } from '#shared/contracts/tasks';
import type { Conn } from '#shared/db/connection';

/** Tasks with the summary of their activity; GET /tasks and the sync feed read through this. */
export function selectTasks(db: Conn, userId: string) {
  return db
    .selectFrom('pending_tasks as t')
    .leftJoin('activities as a', (join) => join.onRef('a.id', '=', 't.activity_id').onRef('a.user_id', '=', 't.user_id'))
    .select(['t.id', 't.kind', 't.status', 't.activity_id', 't.created_at', 'a.source', 'a.type', 'a.start_time', 'a.local_date', 'a.duration_minutes'])
    .where('t.user_id', '=', userId);
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>['execute']>>[number];

export function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    activityId: r.activity_id,
    activity:
      r.activity_id && r.source && r.type && r.start_time && r.local_date && r.duration_minutes !== null
        ? {
            id: r.activity_id,
            source: r.source,
            type: r.type,
            startTime: r.start_time.toISOString(),
            localDate: r.local_date,
            durationMinutes: r.duration_minutes,
          }
        : null,
    createdAt: r.created_at.toISOString(),
  };
}

export async function listOpenTasks(db: Conn, userId: string): Promise<Task[]> {
  const rows = await selectTasks(db, userId).where('t.status', '=', 'open').orderBy('t.created_at').orderBy('t.id').execute();
  return rows.map(toTask);
}

/**
 * The athlete dismisses open tasks ("I won't rate that one"): they close as 'dismissed' and their reminders
 * are marked read, in one statement. Returns the ids that were open; others (done, dismissed, another user's,
 * unknown) are left as they are.
 */
export async function dismissTasks(db: Conn, userId: string, ids: readonly string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with dismissed as (
      update pending_tasks
         set status = 'dismissed', resolved_at = ${now}
       where user_id = ${userId} and id = any(${ids}::uuid[]) and status = 'open'
      returning id, activity_id
    ),
    reminders as (
      update notifications n
         set read_at = ${now}
        from dismissed d
       where n.user_id = ${userId} and n.dedupe_key = 'enter_rpe:' || d.activity_id and n.read_at is null
    )
    select id from dismissed`.execute(db);
  return rows.map((r) => r.id);
}
