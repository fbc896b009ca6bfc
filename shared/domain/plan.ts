// The training plan as the domain sees it: what the generator takes (the athlete's state, goal and
// availability, the local today) and what it gives (phases, weeks, workouts). Plain data, no I/O: the
// services in shared/plans read these from the database and write them back.
import type { ExperienceLevel, PlanPhaseName, PlanWeekKind, RaceDistance, Weekday, WorkoutState, WorkoutType } from './plan-vocabulary';
import type { IsoWeekday } from './dates';

export type { ExperienceLevel, PlanPhaseName, PlanWeekKind, RaceDistance, Weekday, WorkoutState, WorkoutType };

/** Meters of each standard race. */
export const RACE_METERS: Readonly<Record<RaceDistance, number>> = {
  '5k': 5000,
  '10k': 10_000,
  half: 21_097.5,
  marathon: 42_195,
};

/** 'mon'..'sun' as ISO weekdays 1..7. */
export const WEEKDAY_NUMBER: Readonly<Record<Weekday, IsoWeekday>> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

/** Sessions that stress the athlete: never two of them on consecutive days. */
export const HARD_WORKOUT_TYPES: ReadonlySet<WorkoutType> = new Set(['interval', 'tempo', 'long_run', 'race']);
/** Workouts that are runs (count as running days); strength and cross-training do not. */
export const RUNNING_WORKOUT_TYPES: ReadonlySet<WorkoutType> = new Set(['easy', 'long_run', 'tempo', 'interval', 'recovery', 'race']);

export interface PlanGoal {
  /** A standard race, or null for a custom distance. */
  raceDistance: RaceDistance | null;
  distanceMeters: number;
  /** Athlete-local date of the race; its workout is of type `race`. */
  raceDate: string;
  goalTimeMinutes: number | null;
}

export interface Availability {
  /** Running days per week, 3-7. */
  daysPerWeek: number;
  longRunDay: Weekday;
  unavailableDays: readonly Weekday[];
  maxSessionMinutes: number | null;
}

/** What the athlete told us about their recent running (onboarding's `current`). */
export interface ReportedVolume {
  weeklyMinutes: number | null;
  weeklyDistanceKm: number | null;
  longestRecentRunMinutes: number | null;
  experience: ExperienceLevel;
}

/** Heart-rate anchors for zones and descriptions; null when unknown (then RPE only). */
export interface HeartRateProfile {
  maxHr: number | null;
  restingHr: number | null;
  lactateThresholdHr: number | null;
}

/**
 * The load engine's state at the end of `date` (the day before the first day to plan): the 7/28-day EWMAs
 * and the daily loads of the days up to and including `date`, oldest first (the last 6 are used for monotony).
 */
export interface LoadState {
  date: string;
  acute: number;
  chronic: number;
  recentLoads: readonly number[];
}

export interface PlanInput {
  /** The athlete's local today: the first day the plan may schedule. */
  today: string;
  goal: PlanGoal;
  availability: Availability;
  experience: ExperienceLevel;
  /** The longest recent run in minutes, when known (caps the first long runs). */
  longestRecentRunMinutes: number | null;
  /** State at the end of the day before `today`. */
  load: LoadState;
  heartRate: HeartRateProfile;
  /**
   * The first day of the plan (onboarding: today). A regenerate keeps it so weeks and phases stay where
   * they were; only days from `today` on are generated.
   */
  planStart: string;
  /** Whether the day before `today` holds a hard session (kept from the previous version), so today is not hard. */
  hardDayBefore: boolean;
  /**
   * Less volume for a while (after an ACWR alert): every week holding a day up to `through` gets `factor` of its
   * target load; the weeks after grow back from those at the usual rate.
   */
  reduceVolume?: { factor: number; through: string };
}

/** What a workout asks of the athlete. */
export interface WorkoutPrescription {
  type: WorkoutType;
  targetDurationMinutes: number;
  targetDistanceMeters: number | null;
  /** Session RPE, CR-10. */
  targetRpe: number;
  /** Heart-rate zone 1-5; null when no HR anchor is known or for strength. */
  zone: number | null;
  description: string;
}

export interface PlannedWorkout extends WorkoutPrescription {
  date: string;
  /** targetDurationMinutes x targetRpe, AU: the same unit as the load engine's session-RPE load. */
  plannedLoad: number;
}

export interface PlanPhase {
  name: PlanPhaseName;
  startDate: string;
  endDate: string;
}

export interface PlanWeek {
  /** 0-based from the plan's start. */
  index: number;
  startDate: string;
  endDate: string;
  phase: PlanPhaseName;
  /** loading: builds; recovery: the lighter week of a cycle; taper: before the race. */
  kind: PlanWeekKind;
  /** Sum of the week's planned loads, AU. */
  targetLoad: number;
}

export interface GeneratedPlan {
  phases: PlanPhase[];
  weeks: PlanWeek[];
  /** From `today` to race day, by date; rest days have no workout. */
  workouts: PlannedWorkout[];
}

/** A workout as stored: a prescription on a day, with what became of it. */
export interface ScheduledWorkout extends PlannedWorkout {
  id: string;
  state: WorkoutState;
  completedActivityId: string | null;
}
