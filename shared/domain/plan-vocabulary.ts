// The training plan's vocabulary: the words the generator, the database CHECKs and the API share.
export const planStatuses = ['active', 'completed', 'cancelled'] as const;
export type PlanStatus = (typeof planStatuses)[number];
export const workoutTypes = ['easy', 'long_run', 'tempo', 'interval', 'recovery', 'strength', 'cross_training', 'race'] as const;
export type WorkoutType = (typeof workoutTypes)[number];
export const workoutStates = ['planned', 'completed', 'skipped', 'missed'] as const;
export type WorkoutState = (typeof workoutStates)[number];
/** The standard race distances a goal may name (a custom one is given in meters). */
export const raceDistances = ['5k', '10k', 'half', 'marathon'] as const;
export type RaceDistance = (typeof raceDistances)[number];
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
export const experienceLevels = ['beginner', 'intermediate', 'advanced'] as const;
export type ExperienceLevel = (typeof experienceLevels)[number];
export const planPhaseNames = ['base', 'build', 'peak', 'taper'] as const;
export type PlanPhaseName = (typeof planPhaseNames)[number];
export const planWeekKinds = ['loading', 'recovery', 'taper'] as const;
export type PlanWeekKind = (typeof planWeekKinds)[number];
/** What made a new plan version. */
export const planChangeTriggers = ['onboarding', 'regenerate', 'readiness', 'risk_alert', 'missed_workout', 'restore'] as const;
export type PlanChangeTrigger = (typeof planChangeTriggers)[number];
/** A workout's prescription: what a change log's before/after and an adaptation's original record. */
export type StoredPrescription = {
  type: WorkoutType;
  targetDurationMinutes: number | null;
  targetDistanceMeters: number | null;
  targetRpe: number | null;
  zone: number | null;
  description: string;
};
/** Adaptation triggers: the change-log triggers that the coach (not the athlete) makes. */
export type AdaptationTrigger = Extract<PlanChangeTrigger, 'readiness' | 'risk_alert' | 'missed_workout'>;
/** scheduled_workouts.adaptation: why the current prescription differs from the generated one (migration 0010). */
export type StoredAdaptation = { trigger: AdaptationTrigger; code: string; message: string };
/** scheduled_workouts.readiness_base: the workout before the morning's readiness rule changed it. */
export type StoredReadinessBase = { prescription: StoredPrescription; adaptation: StoredAdaptation | null };
