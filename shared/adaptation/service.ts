// The adaptive brain's services: each one re-reads the athlete's state (never the event's contents), asks one
// rule of shared/domain/adaptation.ts what to change, and writes the answer as one plan version
// (shared/adaptation/versions.ts). A duplicate, late or reordered delivery finds nothing left to change.
import type { Conn, Db } from '../db/connection';
import type { ReadinessLight } from '../db/schema';
import { adaptToReadiness, moveMissedLongRun, reduceAfterAcwrAlert, varyMonotonousWeek, type Decision, type Edit } from '../domain/adaptation';
import { addDays } from '../domain/dates';
import { homeChanged } from '../home/cache';
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

/** A risk alert: ACWR above 1.5 cuts the next 7 days' volume; monotony above 2.0 varies next week. */
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
    const stats = await trx
      .selectFrom('rolling_stats')
      .select(['date', 'load', 'acute', 'chronic'])
      .where('user_id', '=', userId)
      .where('date', '<=', plan.today)
      .orderBy('date', 'desc')
      .limit(6)
      .execute();
    const latest = stats[0];
    if (!latest) return { decision: null, rows: [] };
    const rows = await currentWorkouts(trx, plan, addDays(latest.date, 1), addDays(plan.today, 8));
    const decision = reduceAfterAcwrAlert({
      state: { date: latest.date, acute: latest.acute, chronic: latest.chronic },
      recentLoads: stats.map((s) => s.load).reverse(),
      today: plan.today,
      workouts: rows.map(toPlanWorkout),
      acwr: alert.metrics.acwr ?? latest.acute / latest.chronic,
    });
    return { decision, rows, cause };
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
