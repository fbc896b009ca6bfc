// What the athlete says about a scheduled workout (offline sync, POST /sync): done, or skipped. Set-based: one
// statement per kind for the whole batch. A skip is announced as WorkoutMissed (the outbox), the event the adaptive
// pipeline reacts to for a planned session that did not happen; a completion changes no plan and announces nothing
// (the activity that did it has its own ActivityRecorded).
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';
import { DetailType } from '#shared/events/catalogue';
import { enqueueEvents, type EnqueuedEvent } from '#shared/events/outbox';

export interface WorkoutState {
  id: string;
  date: string;
  state: 'planned' | 'completed' | 'skipped' | 'missed';
  removed: boolean;
  completedActivityId: string | null;
}

/** The workouts named, as they stand (another user's are not found). */
export async function workoutStates(db: Conn, userId: string, ids: readonly string[]): Promise<Map<string, WorkoutState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('scheduled_workouts')
    .select(['id', 'date', 'state', 'removed_in_version', 'completed_activity_id'])
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [r.id, { id: r.id, date: r.date, state: r.state, removed: r.removed_in_version !== null, completedActivityId: r.completed_activity_id }]),
  );
}

/** Planned or missed workouts become skipped; returns the ones changed, with WorkoutMissed for each in the outbox. */
export async function skipWorkouts(db: Conn, userId: string, ids: readonly string[]): Promise<{ skipped: string[]; enqueued: EnqueuedEvent[] }> {
  if (ids.length === 0) return { skipped: [], enqueued: [] };
  const { rows } = await sql<{ id: string; date: string }>`
    update scheduled_workouts set state = 'skipped'
     where user_id = ${userId} and id = any(${ids}::uuid[]) and removed_in_version is null and state in ('planned', 'missed')
    returning id, date`.execute(db);
  const enqueued = await enqueueEvents(
    db,
    rows.map((r) => ({ detailType: DetailType.WorkoutMissed, detail: { userId, scheduledWorkoutId: r.id, date: r.date } })),
  );
  return { skipped: rows.map((r) => r.id), enqueued };
}

/** Workouts done, each with the activity that did it when the app knows it (the caller checked it is the user's and free). */
export async function completeWorkouts(db: Conn, userId: string, items: readonly { id: string; activityId: string | null }[]): Promise<string[]> {
  if (items.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    update scheduled_workouts w set state = 'completed', completed_activity_id = c.activity_id
      from unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.activityId)}::uuid[]) c (id, activity_id)
     where w.user_id = ${userId} and w.id = c.id and w.removed_in_version is null and w.state <> 'completed'
    returning w.id`.execute(db);
  return rows.map((r) => r.id);
}
