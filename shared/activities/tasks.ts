// The athlete's open to-dos (GET /tasks). Tasks are opened and closed by the activity service
// (service.ts): a counted activity without RPE opens one, RPE from the athlete or a vendor closes it.
import type { Task } from '../contracts/tasks';
import type { Conn } from '../db/connection';

export async function listOpenTasks(db: Conn, userId: string): Promise<Task[]> {
  const rows = await db
    .selectFrom('pending_tasks as t')
    .leftJoin('activities as a', (join) => join.onRef('a.id', '=', 't.activity_id').onRef('a.user_id', '=', 't.user_id'))
    .select([
      't.id',
      't.kind',
      't.status',
      't.activity_id',
      't.created_at',
      'a.source',
      'a.type',
      'a.start_time',
      'a.local_date',
      'a.duration_minutes',
    ])
    .where('t.user_id', '=', userId)
    .where('t.status', '=', 'open')
    .orderBy('t.created_at')
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
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
  }));
}
