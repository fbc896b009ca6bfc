// The adaptive brain's services: each one re-reads the athlete's state (never the event's contents), asks one
// rule of shared/domain/adaptation.ts what to change, and writes the answer as one plan version
// (shared/adaptation/versions.ts). A duplicate, late or reordered delivery finds nothing left to change.
import type { Conn, Db } from '#shared/db/connection';
import type { ReadinessLight } from '#shared/db/schema';
import { adaptToReadiness, moveMissedLongRun, regenerateAfterAcwrAlert, varyMonotonousWeek, type Decision, type Edit } from '#shared/domain/adaptation';
import { addDays } from '#shared/domain/dates';
import { HARD_WORKOUT_TYPES } from '#shared/domain/plan';
import { homeChanged } from '#shared/home/cache';
import { loadBasis } from '#shared/plans/load-basis';
import { currentWorkouts, lockActivePlan, toPlanWorkout, writeVersion, type LockedPlan, type WorkoutRow } from './versions';

export type AdaptationOutcome = { version: number; trigger: Decision['trigger']; code: string } | null;

async function adapt(
  db: Db,
  userId: string,
  now: Date,
  decide: (trx: Conn, plan: LockedPlan) => Promise<{ decision: Decision | null; rows: WorkoutRow[]; cause?: string }>,
): Promise<AdaptationOutcome> {
  const outcome = await db.transaction().execute(async (trx) => {
    const plan = await lockActivePlan(trx, userId, now);
    if (!plan) return null;
    const { decision, rows, cause } = await decide(trx, plan);
    if (!decision) return null;
    const version = await writeVersion(trx, plan, rows, { ...decision, ...(cause && { cause }) }, { notify: true, now });
    return version === null ? null : { version, trigger: decision.trigger, code: decision.reason.code };
  });
  if (outcome) await homeChanged(userId);
  return outcome;
}

/**
 * The traffic light: today's readiness (the latest check-in or vendor wellness of the athlete's local today)
 * applied to today's planned workouts.
 */
export async function adaptToTodaysReadiness(db: Db, userId: string, now: Date): Promise<AdaptationOutcome> {
  return adapt(db, userId, now, async (trx, plan) => {
    const day = await trx.selectFrom('daily_metrics').select('readiness_light').where('user_id', '=', userId).where('date', '=', plan.today).executeTakeFirst();
    const light = day?.readiness_light as ReadinessLight | null | undefined;
    const rows = await currentWorkouts(trx, plan, plan.today, plan.today);
    if (!light) return { decision: null, rows };
    const decisions = rows.map((r) => adaptToReadiness(toPlanWorkout(r), light)).filter((d): d is Decision => d !== null);
    if (decisions.length === 0) return { decision: null, rows };
    const edits: Edit[] = decisions.flatMap((d) => d.edits);
    return { decision: { ...decisions[0]!, edits }, rows };
  });
}

/** An alert older than this (in days before the athlete's today) is history, not a reason to change the plan. */
const ALERT_FRESH_DAYS = 1;

/** A risk alert: ACWR above 1.5 rebuilds the plan from tomorrow with less volume; monotony above 2.0 varies next week. */
export async function adaptToRiskAlert(db: Db, userId: string, alertId: string, now: Date): Promise<AdaptationOutcome> {
  return adapt(db, userId, now, async (trx, plan) => {
    const alert = await trx
      .selectFrom('risk_alerts')
      .select(['id', 'kind', 'date', 'metrics'])
      .where('user_id', '=', userId)
      .where('id', '=', alertId)
      .executeTakeFirst();
    if (!alert || alert.date < addDays(plan.today, -ALERT_FRESH_DAYS) || alert.date > plan.today) return { decision: null, rows: [] };
    const cause = `risk_alert:${alert.id}`;
    if (alert.kind === 'monotony') {
      const start = addDays(alert.date, 1) > plan.today ? addDays(alert.date, 1) : plan.today;
      const rows = await currentWorkouts(trx, plan, start, addDays(start, 6));
      const decision = varyMonotonousWeek({ start, workouts: rows.map(toPlanWorkout), monotony: alert.metrics.monotony ?? 0 });
      return { decision, rows, cause };
    }
    const rows = await currentWorkouts(trx, plan, plan.today, plan.raceDate);
    return { decision: await rebuildAfterAcwrAlert(trx, plan, rows, alert.metrics.acwr ?? null), rows, cause };
  });
}

/**
 * ACWR above 1.5: the plan generated again from tomorrow (shared/domain/adaptation.ts), from the athlete's stored
 * acute and chronic load at the end of today, by the load-basis rule regenerate uses.
 */
async function rebuildAfterAcwrAlert(trx: Conn, plan: LockedPlan, rows: readonly WorkoutRow[], alertAcwr: number | null): Promise<Decision | null> {
  const tomorrow = addDays(plan.today, 1);
  if (tomorrow >= plan.raceDate) return null;
  const stored = await trx
    .selectFrom('training_plans as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select([
      'p.start_date',
      'p.goal_race_distance',
      'p.goal_distance_meters',
      'p.goal_time_minutes',
      'p.days_per_week',
      'p.long_run_day',
      'p.max_session_minutes',
      'p.experience',
      'p.reported_weekly_minutes',
      'p.reported_weekly_distance_km',
      'p.reported_longest_run_minutes',
      'u.max_hr',
      'u.resting_hr',
      'u.lactate_threshold_hr',
    ])
    .where('p.id', '=', plan.id)
    .where('p.user_id', '=', plan.userId)
    .executeTakeFirstOrThrow();
  const basis = await loadBasis(trx, plan.userId, plan.today, {
    weeklyMinutes: stored.reported_weekly_minutes,
    weeklyDistanceKm: stored.reported_weekly_distance_km,
    experience: stored.experience,
  });
  const workouts = rows.map(toPlanWorkout);
  const hardDayBefore = workouts.some(
    (w) => w.date === plan.today && HARD_WORKOUT_TYPES.has(w.prescription.type) && w.state !== 'missed' && w.state !== 'skipped',
  );
  return regenerateAfterAcwrAlert({
    plan: {
      today: tomorrow,
      planStart: stored.start_date,
      goal: {
        raceDistance: stored.goal_race_distance,
        distanceMeters: stored.goal_distance_meters,
        raceDate: plan.raceDate,
        goalTimeMinutes: stored.goal_time_minutes,
      },
      availability: {
        daysPerWeek: stored.days_per_week,
        longRunDay: stored.long_run_day,
        unavailableDays: plan.unavailableDays,
        maxSessionMinutes: stored.max_session_minutes,
      },
      experience: stored.experience,
      longestRecentRunMinutes: stored.reported_longest_run_minutes,
      load: basis.state,
      heartRate: { maxHr: stored.max_hr, restingHr: stored.resting_hr, lactateThresholdHr: stored.lactate_threshold_hr },
      hardDayBefore,
    },
    workouts,
    acwr: alertAcwr ?? (basis.state.chronic > 0 ? basis.state.acute / basis.state.chronic : 0),
  });
}

/** A missed workout: a missed long run moves (other missed sessions are not crammed back in). */
export async function adaptToMissedWorkout(db: Db, userId: string, workoutId: string, now: Date): Promise<AdaptationOutcome> {
  return adapt(db, userId, now, async (trx, plan) => {
    const missed = await trx
      .selectFrom('scheduled_workouts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', workoutId)
      .where('plan_id', '=', plan.id)
      .where('removed_in_version', 'is', null)
      .executeTakeFirst();
    if (missed?.state !== 'missed' || missed.type !== 'long_run') return { decision: null, rows: [] };
    const rows = await currentWorkouts(trx, plan, addDays(missed.date, -1), addDays(missed.date, 9));
    const decision = moveMissedLongRun({
      missed: toPlanWorkout(missed),
      today: plan.today,
      workouts: rows.map(toPlanWorkout),
      unavailableDays: plan.unavailableDays,
      raceDate: plan.raceDate,
    });
    return { decision, rows, cause: `missed_workout:${missed.id}` };
  });
}
