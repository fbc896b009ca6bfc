// The plan services: onboarding (a new plan; the active one is cancelled), the current plan as the app reads it,
// and regenerate (a new version from today on). Each write is one transaction: the rule (shared/domain/
// plan-generator.ts) is called on what was read, and the plan, its workouts and its change-log row are written
// together; a refusal throws before anything is written, so nothing is stored.
import type { Conn, Db } from '#shared/db/connection';
import type { NewScheduledWorkout, PlanChangeRow, ScheduledWorkoutRow, StoredPlanWeek, StoredWorkoutChange, TrainingPlanRow, Weekday } from '#shared/db/schema';
import { addDays, daysBetween, localDateOf } from '#shared/domain/dates';
import { HARD_WORKOUT_TYPES, RACE_METERS, type Availability, type GeneratedPlan, type PlanGoal, type PlanInput } from '#shared/domain/plan';
import { generatePlan } from '#shared/domain/plan-generator';
import { updateProfile } from '#shared/account/profile';
import { publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import type { CurrentPlan, CurrentPlanQuery, OnboardingBody, Plan, PlanChange, RegenerateBody, Workout } from '#shared/contracts/plans';
import { InvalidInput, NotFound, Unprocessable, type FieldError } from '#shared/errors';
import { loadBasis } from './load-basis';
import { homeChanged } from '#shared/home/cache';

/** The race must be this many days after the athlete's local today (2 to 52 weeks). */
export const MIN_DAYS_TO_RACE = 14;
export const MAX_DAYS_TO_RACE = 364;

/** What a workout reads as; the sync feed reads the same columns. */
export const WORKOUT_COLUMNS = [
  'id',
  'date',
  'type',
  'target_duration_minutes',
  'target_distance_meters',
  'target_rpe',
  'zone',
  'description',
  'state',
  'completed_activity_id',
  'adaptation',
  'original_prescription',
] as const;
type WorkoutRow = Pick<ScheduledWorkoutRow, (typeof WORKOUT_COLUMNS)[number]>;

function raceDateErrors(raceDate: string, today: string, field: string): FieldError[] {
  const days = daysBetween(today, raceDate);
  if (days < MIN_DAYS_TO_RACE) return [{ field, message: `must be at least 2 weeks after your local today (${today})` }];
  if (days > MAX_DAYS_TO_RACE) return [{ field, message: `must be at most 52 weeks after your local today (${today})` }];
  return [];
}

async function athlete(db: Conn, userId: string) {
  const user = await db
    .selectFrom('users')
    .select(['time_zone', 'max_hr', 'resting_hr', 'lactate_threshold_hr'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user) throw new NotFound('No such account');
  return user;
}

/**
 * POST /api/v1/onboarding: the profile (as PATCH /me), then a new plan; the active one, if any, is cancelled.
 * The profile's events (new HR baselines rescale the TRIMP history) are published after the commit.
 */
export async function onboard(db: Db, publisher: EventPublisher, userId: string, body: OnboardingBody, now: Date): Promise<CurrentPlan> {
  let enqueued: EnqueuedEvent[] = [];
  const onboarded = await db.transaction().execute(async (trx) => {
    // The user row lock serializes a user's onboardings: one active plan, never two.
    await athlete(trx, userId);
    if (body.profile) {
      const { dob, sex, weightKg, heightCm, maxHr, restingHr, lactateThresholdHr } = body.profile;
      try {
        ({ enqueued } = await updateProfile(
          trx,
          userId,
          { profile: { dob, sex, weightKg, heightCm }, baselines: { maxHr, restingHr, lactateThresholdHr } },
          now,
        ));
      } catch (error) {
        // PATCH /me names its own fields; onboarding sends them all under `profile`.
        if (error instanceof Unprocessable) {
          throw new Unprocessable(error.errors.map((e) => ({ ...e, field: e.field.replace(/^body\.(baselines|profile)\./, 'body.profile.') })));
        }
        throw error;
      }
    }
    const user = await athlete(trx, userId);
    const today = localDateOf(now, user.time_zone);
    const errors = raceDateErrors(body.goal.raceDate, today, 'body.goal.raceDate');
    if (errors.length > 0) throw new Unprocessable(errors);

    const { raceDistance } = body.goal;
    const goal: PlanGoal = {
      raceDistance: typeof raceDistance === 'string' ? raceDistance : null,
      distanceMeters: typeof raceDistance === 'string' ? RACE_METERS[raceDistance] : raceDistance.meters,
      raceDate: body.goal.raceDate,
      goalTimeMinutes: body.goal.goalTimeMinutes ?? null,
    };
    const availability = toAvailability(body.availability);
    const reported = {
      weeklyMinutes: body.current.weeklyMinutes ?? null,
      weeklyDistanceKm: body.current.weeklyDistanceKm ?? null,
      experience: body.current.experience,
    };
    const basis = await loadBasis(trx, userId, addDays(today, -1), reported);
    const plan = generatePlan({
      today,
      planStart: today,
      goal,
      availability,
      experience: body.current.experience,
      longestRecentRunMinutes: body.current.longestRecentRunMinutes ?? null,
      load: basis.state,
      heartRate: { maxHr: user.max_hr, restingHr: user.resting_hr, lactateThresholdHr: user.lactate_threshold_hr },
      hardDayBefore: false,
    });

    await trx.updateTable('training_plans').set({ status: 'cancelled' }).where('user_id', '=', userId).where('status', '=', 'active').execute();
    const row = await trx
      .insertInto('training_plans')
      .values({
        user_id: userId,
        goal_race_date: goal.raceDate,
        goal_distance_meters: goal.distanceMeters,
        goal_race_distance: goal.raceDistance,
        goal_time_minutes: goal.goalTimeMinutes,
        start_date: today,
        phases: JSON.stringify(plan.phases),
        weeks: JSON.stringify(weeksWithLoads(plan, [])),
        days_per_week: availability.daysPerWeek,
        long_run_day: availability.longRunDay,
        unavailable_days: [...availability.unavailableDays],
        max_session_minutes: availability.maxSessionMinutes,
        experience: body.current.experience,
        reported_weekly_minutes: reported.weeklyMinutes,
        reported_weekly_distance_km: reported.weeklyDistanceKm,
        reported_longest_run_minutes: body.current.longestRecentRunMinutes ?? null,
        load_basis_date: basis.state.date,
        load_basis_acute: basis.state.acute,
        load_basis_chronic: basis.state.chronic,
        load_basis_source: basis.source,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const workouts = await insertWorkouts(trx, userId, row.id, 1, plan);
    await trx
      .insertInto('plan_changes')
      .values({
        user_id: userId,
        plan_id: row.id,
        version: 1,
        trigger: 'onboarding',
        reason_code: 'plan_created',
        reason_message: `A ${plan.workouts.length}-workout plan towards your race on ${goal.raceDate}, built from your current training load.`,
        changes: JSON.stringify(workouts.map((w) => ({ workoutId: w.id, date: w.date, before: null, after: prescription(w) }))),
        // The injected clock's time, so the change log reads right on a virtual clock (the season simulator) too.
        created_at: now,
      })
      .execute();
    return view(row, workouts, today, 2);
  });
  await publishEnqueued(db, publisher, enqueued);
  await homeChanged(userId);
  return onboarded;
}

/** GET /api/v1/plan/current: the active plan, the week holding today and the workouts from today on. */
export async function currentPlan(db: Conn, userId: string, query: CurrentPlanQuery, now: Date): Promise<CurrentPlan> {
  const user = await db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new NotFound('No such account');
  const plan = await db.selectFrom('training_plans').selectAll().where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
  if (!plan) throw new NotFound('You have no active training plan: POST /api/v1/onboarding creates one');
  const today = localDateOf(now, user.time_zone);
  if (query.weeks !== 'all' && query.weeks > plan.weeks.length) {
    throw new InvalidInput(`weeks must be at most the plan's ${plan.weeks.length} weeks, or "all"`, [
      { field: 'query.weeks', message: `must be at most ${plan.weeks.length} or "all"` },
    ]);
  }
  const week = weekOf(plan.weeks, today);
  const workouts = await db
    .selectFrom('scheduled_workouts')
    .select(WORKOUT_COLUMNS)
    .where('user_id', '=', userId)
    .where('plan_id', '=', plan.id)
    .where('removed_in_version', 'is', null)
    .where('date', '>=', week.startDate < today ? week.startDate : today)
    .orderBy('date')
    .orderBy('id')
    .execute();
  return view(plan, workouts, today, query.weeks);
}

/** POST /api/v1/plan/regenerate: version + 1; the past and every completed workout kept, the rest rebuilt. */
export async function regeneratePlan(db: Conn, userId: string, body: RegenerateBody, now: Date): Promise<CurrentPlan> {
  const regenerated = await db.transaction().execute(async (trx) => {
    const user = await athlete(trx, userId);
    const plan = await trx.selectFrom('training_plans').selectAll().where('user_id', '=', userId).where('status', '=', 'active').forUpdate().executeTakeFirst();
    if (!plan) throw new NotFound('You have no active training plan: POST /api/v1/onboarding creates one');
    const today = localDateOf(now, user.time_zone);
    const raceDate = body.goal?.raceDate ?? plan.goal_race_date;
    if (body.goal?.raceDate !== undefined) {
      const errors = raceDateErrors(raceDate, today, 'body.goal.raceDate');
      if (errors.length > 0) throw new Unprocessable(errors);
    } else if (daysBetween(today, raceDate) < 1) {
      throw new Unprocessable([{ field: 'body.goal.raceDate', message: `the plan's race (${raceDate}) has passed: give a new race date` }]);
    }
    const goal: PlanGoal = {
      raceDistance: plan.goal_race_distance,
      distanceMeters: plan.goal_distance_meters,
      raceDate,
      goalTimeMinutes: body.goal?.goalTimeMinutes !== undefined ? body.goal.goalTimeMinutes : plan.goal_time_minutes,
    };
    const availability: Availability = body.availability
      ? toAvailability(body.availability)
      : {
          daysPerWeek: plan.days_per_week,
          longRunDay: plan.long_run_day,
          unavailableDays: plan.unavailable_days,
          maxSessionMinutes: plan.max_session_minutes,
        };

    const kept = await trx
      .selectFrom('scheduled_workouts')
      .select([...WORKOUT_COLUMNS, 'created_in_version'])
      .where('user_id', '=', userId)
      .where('plan_id', '=', plan.id)
      .where('removed_in_version', 'is', null)
      .orderBy('date')
      .execute();
    // A workout already completed today stays, and the rebuild starts tomorrow.
    const first = kept.some((w) => w.date === today && w.state === 'completed') ? addDays(today, 1) : today;
    if (daysBetween(first, raceDate) < 0) throw new Unprocessable([{ field: 'body.goal.raceDate', message: 'the race is today: nothing is left to rebuild' }]);
    const dayBefore = addDays(first, -1);
    const hardDayBefore = kept.some((w) => w.date === dayBefore && HARD_WORKOUT_TYPES.has(w.type) && w.state !== 'missed' && w.state !== 'skipped');
    const basis = await loadBasis(trx, userId, dayBefore, {
      weeklyMinutes: plan.reported_weekly_minutes,
      weeklyDistanceKm: plan.reported_weekly_distance_km,
      experience: plan.experience,
    });
    const input: PlanInput = {
      today: first,
      planStart: plan.start_date,
      goal,
      availability,
      experience: plan.experience,
      longestRecentRunMinutes: plan.reported_longest_run_minutes,
      load: basis.state,
      heartRate: { maxHr: user.max_hr, restingHr: user.resting_hr, lactateThresholdHr: user.lactate_threshold_hr },
      hardDayBefore,
    };
    const generated = generatePlan(input);
    const version = plan.version + 1;

    const removed = await trx
      .updateTable('scheduled_workouts')
      .set({ removed_in_version: version })
      .where('user_id', '=', userId)
      .where('plan_id', '=', plan.id)
      .where('removed_in_version', 'is', null)
      .where('date', '>=', first)
      .where('state', '<>', 'completed')
      .returning(WORKOUT_COLUMNS)
      .execute();
    const added = await insertWorkouts(trx, userId, plan.id, version, generated);
    const removedIds = new Set(removed.map((w) => w.id));
    const current = [...kept.filter((w) => !removedIds.has(w.id)), ...added].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const updated = await trx
      .updateTable('training_plans')
      .set({
        version,
        goal_race_date: goal.raceDate,
        goal_time_minutes: goal.goalTimeMinutes,
        phases: JSON.stringify(generated.phases),
        weeks: JSON.stringify(weeksWithLoads(generated, current)),
        days_per_week: availability.daysPerWeek,
        long_run_day: availability.longRunDay,
        unavailable_days: [...availability.unavailableDays],
        max_session_minutes: availability.maxSessionMinutes,
        load_basis_date: basis.state.date,
        load_basis_acute: basis.state.acute,
        load_basis_chronic: basis.state.chronic,
        load_basis_source: basis.source,
      })
      .where('id', '=', plan.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('plan_changes')
      .values({
        user_id: userId,
        plan_id: plan.id,
        version,
        trigger: 'regenerate',
        reason_code: 'athlete_request',
        reason_message: `Rebuilt from ${first} at your request, from your current training load${body.availability ? ' and new availability' : ''}${body.goal ? ' and goal' : ''}.`,
        changes: JSON.stringify(changeLog(removed, added)),
        created_at: now,
      })
      .execute();
    return view(
      updated,
      current.filter((w) => w.date >= weekOf(updated.weeks, today).startDate),
      today,
      2,
    );
  });
  await homeChanged(userId);
  return regenerated;
}

function toAvailability(a: OnboardingBody['availability']): Availability {
  return {
    daysPerWeek: a.daysPerWeek,
    longRunDay: a.longRunDay,
    unavailableDays: (a.unavailableDays ?? []) as Weekday[],
    maxSessionMinutes: a.maxSessionMinutes ?? null,
  };
}

/** One insert for all the new workouts. */
async function insertWorkouts(db: Conn, userId: string, planId: string, version: number, plan: GeneratedPlan): Promise<WorkoutRow[]> {
  if (plan.workouts.length === 0) return [];
  const rows: NewScheduledWorkout[] = plan.workouts.map((w) => ({
    user_id: userId,
    plan_id: planId,
    date: w.date,
    type: w.type,
    target_duration_minutes: w.targetDurationMinutes,
    target_distance_meters: w.targetDistanceMeters,
    target_rpe: w.targetRpe,
    zone: w.zone,
    description: w.description,
    created_in_version: version,
  }));
  return db.insertInto('scheduled_workouts').values(rows).returning(WORKOUT_COLUMNS).execute();
}

/** The plan's weeks, each with the planned load of its current workouts. */
function weeksWithLoads(plan: GeneratedPlan, current: readonly WorkoutRow[]): StoredPlanWeek[] {
  const loads =
    current.length > 0 ? current.map((w) => ({ date: w.date, load: plannedLoad(w) ?? 0 })) : plan.workouts.map((w) => ({ date: w.date, load: w.plannedLoad }));
  return plan.weeks.map((w) => ({ ...w, targetLoad: loads.filter((l) => l.date >= w.startDate && l.date <= w.endDate).reduce((s, l) => s + l.load, 0) }));
}

function weekOf(weeks: readonly StoredPlanWeek[], today: string): StoredPlanWeek {
  return weeks.find((w) => w.startDate <= today && today <= w.endDate) ?? (today < weeks[0]!.startDate ? weeks[0]! : weeks[weeks.length - 1]!);
}

function plannedLoad(w: Pick<WorkoutRow, 'target_duration_minutes' | 'target_rpe'>): number | null {
  return w.target_duration_minutes === null || w.target_rpe === null ? null : w.target_duration_minutes * w.target_rpe;
}

function prescription(w: WorkoutRow): NonNullable<StoredWorkoutChange['after']> {
  return {
    type: w.type,
    targetDurationMinutes: w.target_duration_minutes,
    targetDistanceMeters: w.target_distance_meters,
    targetRpe: w.target_rpe,
    zone: w.zone,
    description: w.description,
  };
}

/** One entry per workout row: a removed one (after null) and an added one (before null), by date. */
function changeLog(removed: readonly WorkoutRow[], added: readonly WorkoutRow[]): StoredWorkoutChange[] {
  return [
    ...removed.map((w) => ({ workoutId: w.id, date: w.date, before: prescription(w), after: null })),
    ...added.map((w) => ({ workoutId: w.id, date: w.date, before: null, after: prescription(w) })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.before === null ? 1 : -1));
}

export function toWorkout(w: WorkoutRow): Workout {
  return {
    id: w.id,
    date: w.date,
    type: w.type,
    targetDurationMinutes: w.target_duration_minutes,
    targetDistanceMeters: w.target_distance_meters,
    targetRpe: w.target_rpe,
    zone: w.zone,
    plannedLoad: plannedLoad(w),
    description: w.description,
    state: w.state,
    completedActivityId: w.completed_activity_id,
    adaptation: w.adaptation ? { original: w.original_prescription, reason: { code: w.adaptation.code, message: w.adaptation.message } } : null,
  };
}

/** A plan as GET /plan/current (and the sync feed) shows it. */
export function toPlan(plan: TrainingPlanRow): Plan {
  return {
    id: plan.id,
    goal: {
      raceDistance: plan.goal_race_distance ?? { meters: plan.goal_distance_meters },
      distanceMeters: plan.goal_distance_meters,
      raceDate: plan.goal_race_date,
      goalTimeMinutes: plan.goal_time_minutes,
    },
    startDate: plan.start_date,
    raceDate: plan.goal_race_date,
    phases: plan.phases,
    version: plan.version,
    status: plan.status,
  };
}

/** One version of a plan as its change log shows it (GET /plan/changes and the sync feed's planChange). */
export function toPlanChange(row: Pick<PlanChangeRow, 'version' | 'created_at' | 'trigger' | 'reason_code' | 'reason_message' | 'changes'>): PlanChange {
  return {
    version: row.version,
    at: row.created_at.toISOString(),
    trigger: row.trigger,
    reason: { code: row.reason_code, message: row.reason_message },
    changes: row.changes,
  };
}

/** The app's view: `workouts` holds the current plan week's workouts (for its load) and is cut to today on. */
function view(plan: TrainingPlanRow, workouts: readonly WorkoutRow[], today: string, weeks: number | 'all'): CurrentPlan {
  const week = weekOf(plan.weeks, today);
  const inWeek = workouts.filter((w) => w.date >= week.startDate && w.date <= week.endDate);
  const lastWeek =
    weeks === 'all' ? plan.weeks[plan.weeks.length - 1]! : (plan.weeks[Math.min(plan.weeks.length - 1, plan.weeks.indexOf(week) + weeks - 1)] ?? week);
  return {
    plan: toPlan(plan),
    week: { index: week.index, phase: week.phase, plannedLoad: inWeek.reduce((s, w) => s + (plannedLoad(w) ?? 0), 0) },
    workouts: workouts.filter((w) => w.date >= today && w.date <= lastWeek.endDate).map(toWorkout),
  };
}
