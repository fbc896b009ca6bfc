// The athlete overrides the coach: POST /plan/workouts/{id}/restore puts an adapted workout (today's or a future
// one) back to its generated prescription, as a plan version of its own (trigger 'restore'), and the coach leaves
// that workout alone from then on. GET /plan/changes lists the active plan's versions, newest first.
import type { PlanChange, Workout } from '#shared/contracts/plans';
import type { Conn, Db } from '#shared/db/connection';
import { Conflict, NotFound } from '#shared/errors';
import { homeChanged } from '#shared/home/cache';
import { lockActivePlan, prescriptionOf, writeVersion, type WorkoutRow } from './versions';
import { toPlanChange } from '#shared/plans/service';

export async function restoreWorkout(db: Db, userId: string, workoutId: string, now: Date): Promise<Workout> {
  const restored = await db.transaction().execute(async (trx) => {
    const plan = await lockActivePlan(trx, userId, now);
    const row = plan
      ? await trx
          .selectFrom('scheduled_workouts')
          .selectAll()
          .where('user_id', '=', userId)
          .where('plan_id', '=', plan.id)
          .where('id', '=', workoutId)
          .where('removed_in_version', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!plan || !row) throw new NotFound('No such workout in your current plan');
    if (row.date < plan.today || row.state !== 'planned') throw new Conflict('Only a planned workout of today or later can be restored');
    if (row.original_prescription === null) throw new Conflict('This workout is as the plan made it: there is nothing to restore');
    const original = row.original_prescription;
    await writeVersion(
      trx,
      plan,
      [row],
      {
        trigger: 'restore',
        reason: { code: 'athlete_restored', message: `You put the ${row.date} session back as originally planned.` },
        edits: [{ op: 'update', workoutId: row.id, prescription: original, adaptation: null, readinessBase: null }],
        restored: true,
      },
      { notify: false, now },
    );
    return trx.selectFrom('scheduled_workouts').selectAll().where('user_id', '=', userId).where('id', '=', row.id).executeTakeFirstOrThrow();
  });
  await homeChanged(userId);
  return toWorkout(restored);
}

/** The plan API's workout: the prescription as it stands, and why the coach changed it (if it did). */
export function toWorkout(row: WorkoutRow): Workout {
  const p = prescriptionOf(row);
  return {
    id: row.id,
    date: row.date,
    ...p,
    plannedLoad: p.targetDurationMinutes !== null && p.targetRpe !== null ? p.targetDurationMinutes * p.targetRpe : null,
    state: row.state,
    completedActivityId: row.completed_activity_id,
    adaptation: row.adaptation ? { original: row.original_prescription, reason: { code: row.adaptation.code, message: row.adaptation.message } } : null,
  };
}

export async function listPlanChanges(db: Conn, userId: string): Promise<PlanChange[]> {
  const rows = await db
    .selectFrom('plan_changes as c')
    .innerJoin('training_plans as p', (j) => j.onRef('p.id', '=', 'c.plan_id').onRef('p.user_id', '=', 'c.user_id'))
    .select(['c.version', 'c.created_at', 'c.trigger', 'c.reason_code', 'c.reason_message', 'c.changes'])
    .where('c.user_id', '=', userId)
    .where('p.status', '=', 'active')
    .orderBy('c.version', 'desc')
    .execute();
  return rows.map(toPlanChange);
}
