// Writing a plan change: every change of the active plan is a new version, with its change-log row (what
// triggered it, why, and each workout before and after), and for the coach's changes a `plan_adapted`
// notification the athlete can switch off. One transaction; the caller holds the plan row lock.
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';
import type {
  NotificationPreferences,
  PlanChangeTrigger,
  ScheduledWorkoutRow,
  StoredAdaptation,
  StoredPrescription,
  StoredWorkoutChange,
  Weekday,
} from '#shared/db/schema';
import { samePrescription, type Edit, type PlanWorkout, type Prescription } from '#shared/domain/adaptation';
import { localDateOf } from '#shared/domain/dates';
import { NotFound } from '#shared/errors';

/** The active plan, locked for the rest of the transaction: one change of a plan at a time. */
export interface LockedPlan {
  id: string;
  userId: string;
  version: number;
  raceDate: string;
  unavailableDays: Weekday[];
  timeZone: string;
  today: string;
  notifyPlanAdapted: boolean;
}

export async function lockActivePlan(trx: Conn, userId: string, now: Date): Promise<LockedPlan | null> {
  const row = await trx
    .selectFrom('training_plans as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.version', 'p.goal_race_date', 'p.unavailable_days', 'u.time_zone', 'u.notification_preferences'])
    .where('p.user_id', '=', userId)
    .where('p.status', '=', 'active')
    .forUpdate('p')
    .executeTakeFirst();
  if (!row) return null;
  const prefs: NotificationPreferences = row.notification_preferences ?? {};
  return {
    id: row.id,
    userId,
    version: row.version,
    raceDate: row.goal_race_date,
    unavailableDays: row.unavailable_days,
    timeZone: row.time_zone,
    today: localDateOf(now, row.time_zone),
    notifyPlanAdapted: prefs.plan_adapted !== false,
  };
}

export type WorkoutRow = ScheduledWorkoutRow;

export function prescriptionOf(row: WorkoutRow): StoredPrescription {
  return {
    type: row.type,
    targetDurationMinutes: row.target_duration_minutes,
    targetDistanceMeters: row.target_distance_meters,
    targetRpe: row.target_rpe,
    zone: row.zone,
    description: row.description,
  };
}

export function toPlanWorkout(row: WorkoutRow): PlanWorkout {
  return {
    id: row.id,
    date: row.date,
    prescription: prescriptionOf(row),
    state: row.state,
    adaptation: row.adaptation,
    readinessBase: row.readiness_base,
    restored: row.restored_in_version !== null,
  };
}

/** The plan's current workouts dated in [from, to], by date. */
export async function currentWorkouts(trx: Conn, plan: LockedPlan, from: string, to: string): Promise<WorkoutRow[]> {
  return trx
    .selectFrom('scheduled_workouts')
    .selectAll()
    .where('user_id', '=', plan.userId)
    .where('plan_id', '=', plan.id)
    .where('removed_in_version', 'is', null)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .orderBy('created_at')
    .execute();
}

export interface VersionChange {
  trigger: PlanChangeTrigger;
  reason: { code: string; message: string };
  edits: readonly Edit[];
  /** risk_alert:<id> / missed_workout:<id>: at most one version per cause (a redelivery finds it taken). */
  cause?: string;
  /** Set on the athlete's restore. */
  restored?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * Writes `change` as version plan.version + 1: the workouts (updates in one statement, removals in one, additions
 * in one), the change-log row and, when `notify`, the notification. Returns the new version, or null when the
 * cause was already answered (nothing is written then).
 */
export async function writeVersion(
  trx: Conn,
  plan: LockedPlan,
  rows: readonly WorkoutRow[],
  change: VersionChange,
  options: { notify: boolean; now: Date },
): Promise<number | null> {
  if (change.cause) {
    const taken = await trx
      .selectFrom('plan_changes')
      .select('version')
      .where('plan_id', '=', plan.id)
      .where('user_id', '=', plan.userId)
      .where('cause', '=', change.cause)
      .executeTakeFirst();
    if (taken) return null;
  }
  const version = plan.version + 1;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const row = (id: string) => {
    const r = byId.get(id);
    if (!r) throw new Error(`edit names a workout outside the rows read: ${id}`);
    return r;
  };
  const log: StoredWorkoutChange[] = [];

  const updates = change.edits.flatMap((e) => (e.op === 'update' ? [e] : []));
  if (updates.length > 0) {
    const values = updates.map((e) => {
      const r = row(e.workoutId);
      const before = prescriptionOf(r);
      const generated = r.original_prescription ?? before;
      // Back to what was generated and no adaptation left: the workout reads as never changed.
      const original = e.adaptation === null && samePrescription(e.prescription, generated) ? null : generated;
      log.push({ workoutId: r.id, date: r.date, before, after: e.prescription });
      return {
        id: r.id,
        type: e.prescription.type,
        target_duration_minutes: e.prescription.targetDurationMinutes,
        target_distance_meters: e.prescription.targetDistanceMeters,
        target_rpe: e.prescription.targetRpe,
        zone: e.prescription.zone,
        description: e.prescription.description,
        original_prescription: original,
        adaptation: e.adaptation,
        readiness_base: e.readinessBase,
      };
    });
    await sql`
      update scheduled_workouts w set
        type = e.type,
        target_duration_minutes = e.target_duration_minutes,
        target_distance_meters = e.target_distance_meters,
        target_rpe = e.target_rpe,
        zone = e.zone,
        description = e.description,
        original_prescription = e.original_prescription,
        adaptation = e.adaptation,
        readiness_base = e.readiness_base,
        restored_in_version = ${change.restored ? version : null}::integer
      from jsonb_to_recordset(${json(values)}::jsonb) as e (
        id uuid, type text, target_duration_minutes double precision, target_distance_meters double precision,
        target_rpe smallint, zone smallint, description text, original_prescription jsonb, adaptation jsonb, readiness_base jsonb)
      where w.id = e.id and w.user_id = ${plan.userId}::uuid and w.plan_id = ${plan.id}::uuid`.execute(trx);
  }

  const removals = change.edits.flatMap((e) => (e.op === 'remove' ? [row(e.workoutId)] : []));
  if (removals.length > 0) {
    for (const r of removals) log.push({ workoutId: r.id, date: r.date, before: prescriptionOf(r), after: null });
    await trx
      .updateTable('scheduled_workouts')
      .set({ removed_in_version: version })
      .where('user_id', '=', plan.userId)
      .where('plan_id', '=', plan.id)
      .where('id', '=', sql<string>`any(${removals.map((r) => r.id)}::uuid[])`)
      .execute();
  }

  const additions = change.edits.flatMap((e) => (e.op === 'add' ? [e] : []));
  if (additions.length > 0) {
    const inserted = await trx
      .insertInto('scheduled_workouts')
      .values(
        additions.map((e) => ({
          user_id: plan.userId,
          plan_id: plan.id,
          date: e.date,
          type: e.prescription.type,
          target_duration_minutes: e.prescription.targetDurationMinutes,
          target_distance_meters: e.prescription.targetDistanceMeters,
          target_rpe: e.prescription.targetRpe,
          zone: e.prescription.zone,
          description: e.prescription.description,
          created_in_version: version,
          adaptation: json(e.adaptation satisfies StoredAdaptation),
        })),
      )
      .returning(['id', 'date'])
      .execute();
    inserted.forEach((r, i) => log.push({ workoutId: r.id, date: r.date, before: null, after: additions[i]!.prescription }));
  }

  await trx.updateTable('training_plans').set({ version }).where('id', '=', plan.id).where('user_id', '=', plan.userId).execute();
  await trx
    .insertInto('plan_changes')
    .values({
      user_id: plan.userId,
      plan_id: plan.id,
      version,
      trigger: change.trigger,
      reason_code: change.reason.code,
      reason_message: change.reason.message,
      changes: json(log.sort((a, b) => a.date.localeCompare(b.date))),
      cause: change.cause ?? null,
      // The injected clock's time, so the log reads right on a virtual clock (the season simulator) too.
      created_at: options.now,
    })
    .execute();
  if (options.notify && plan.notifyPlanAdapted) {
    await trx
      .insertInto('notifications')
      .values({
        user_id: plan.userId,
        kind: 'plan_adapted',
        title: 'Your plan changed',
        body: change.reason.message,
        data: json({ planId: plan.id, version, reasonCode: change.reason.code, workoutIds: log.map((l) => l.workoutId) }),
        dedupe_key: `plan_adapted:${plan.id}:${version}`,
        created_at: options.now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  plan.version = version;
  return version;
}

export function notFoundUnlessPlan(plan: LockedPlan | null): LockedPlan {
  if (!plan) throw new NotFound('You have no active training plan');
  return plan;
}

export type { Prescription };
