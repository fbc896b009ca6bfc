// An active plan straight in the database (version 1, its onboarding row), for tests of what adapts a plan.
// The generator is tested on its own; here the workouts are exactly the ones a test needs.
import type { Conn } from '#shared/db/connection';
import type { Weekday, WorkoutType } from '#shared/db/schema';

export interface SeedWorkout {
  date: string;
  type: WorkoutType;
  minutes: number;
  rpe?: number;
  zone?: number | null;
}

const RPE: Record<WorkoutType, number> = { easy: 4, recovery: 2, long_run: 5, tempo: 7, interval: 8, race: 9, strength: 5, cross_training: 4 };

export async function seedPlan(
  db: Conn,
  userId: string,
  options: { start: string; raceDate: string; workouts: SeedWorkout[]; unavailableDays?: Weekday[]; longRunDay?: Weekday },
): Promise<{ planId: string; workoutIds: string[] }> {
  const plan = await db
    .insertInto('training_plans')
    .values({
      user_id: userId,
      goal_race_date: options.raceDate,
      goal_distance_meters: 21097.5,
      goal_race_distance: 'half',
      start_date: options.start,
      days_per_week: 4,
      long_run_day: options.longRunDay ?? 'sun',
      unavailable_days: options.unavailableDays ?? [],
      experience: 'intermediate',
      load_basis_date: options.start,
      load_basis_acute: 200,
      load_basis_chronic: 200,
      load_basis_source: 'reported_volume',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto('scheduled_workouts')
    .values(
      options.workouts.map((w) => ({
        user_id: userId,
        plan_id: plan.id,
        date: w.date,
        type: w.type,
        target_duration_minutes: w.minutes,
        target_rpe: w.rpe ?? RPE[w.type],
        zone: w.zone === undefined ? 2 : w.zone,
        description: `${w.type.replace('_', ' ')}, ${w.minutes} min`,
      })),
    )
    .returning('id')
    .execute();
  await db
    .insertInto('plan_changes')
    .values({ user_id: userId, plan_id: plan.id, version: 1, trigger: 'onboarding', reason_code: 'plan_created', reason_message: 'Your plan was created.' })
    .execute();
  return { planId: plan.id, workoutIds: rows.map((r) => r.id) };
}
