// Training plans as the app sees them: onboarding, the current plan, regenerate, and the change log of a
// plan's versions. Every value is checked here, once, at the edge. Rules that need the athlete's local
// today (the race 2 to 52 weeks away) are checked by shared/plans/service.ts, naming the same fields.
import * as z from 'zod';
import { isValidDate } from '#shared/domain/dates';
import {
  experienceLevels,
  planChangeTriggers,
  planPhaseNames,
  planStatuses,
  raceDistances,
  sexes,
  weekdays,
  workoutStates,
  workoutTypes,
} from '#shared/db/schema';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const CalendarDate = z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && isValidDate(d), 'must be a date YYYY-MM-DD');

// Examples for the OpenAPI document (lib/openapi.ts): each is valid under its schema (test/unit/openapi.test.ts).
const EXAMPLE_WORKOUT_ID = '7d2f1c3a-8e4b-4c6d-9f0a-1b2c3d4e5f60';
const tempoExample = {
  type: 'tempo' as const,
  targetDurationMinutes: 50,
  targetDistanceMeters: 9000,
  targetRpe: 7,
  zone: 4,
  description: '15 min easy, 25 min at threshold, 10 min easy',
};
const workoutExample = {
  id: EXAMPLE_WORKOUT_ID,
  date: '2027-03-10',
  ...tempoExample,
  targetRpe: 6,
  zone: 3,
  description: `${tempoExample.description} (one zone easier: your readiness is yellow)`,
  plannedLoad: 300,
  state: 'planned' as const,
  completedActivityId: null,
  adaptation: {
    original: tempoExample,
    reason: { code: 'readiness_yellow', message: "Your readiness is yellow this morning, so today's session is a little easier." },
  },
};
export const examples = { workout: workoutExample, prescription: tempoExample };

export const Weekday = z.enum(weekdays);
export const Experience = z.enum(experienceLevels);

/** A standard race or a custom distance in meters (1 km to 250 km). */
export const RaceDistanceInput = z.union([z.enum(raceDistances), z.strictObject({ meters: z.number().min(1000).max(250_000) })]);
export type RaceDistanceInput = z.infer<typeof RaceDistanceInput>;

const GoalTimeMinutes = z.number().gt(0).max(2880).describe('The finish time the athlete aims for, minutes');

export const GoalInput = z.strictObject({
  raceDistance: RaceDistanceInput,
  /** Athlete-local date; 2 to 52 weeks after their local today. */
  raceDate: CalendarDate,
  goalTimeMinutes: GoalTimeMinutes.optional(),
});
export type GoalInput = z.infer<typeof GoalInput>;

/** When the athlete can train. Running days fit the available days; the long run is on an available one. */
export const AvailabilityInput = z
  .strictObject({
    daysPerWeek: int(3, 7).describe('Running days per week'),
    longRunDay: Weekday,
    unavailableDays: z.array(Weekday).max(6).optional(),
    maxSessionMinutes: int(20, 360).optional(),
  })
  .superRefine((a, ctx) => {
    const unavailable = new Set(a.unavailableDays ?? []);
    if (unavailable.size !== (a.unavailableDays ?? []).length) {
      ctx.addIssue({ code: 'custom', path: ['unavailableDays'], message: 'must not repeat a day' });
    }
    if (unavailable.has(a.longRunDay)) {
      ctx.addIssue({ code: 'custom', path: ['longRunDay'], message: 'must not be one of the unavailable days' });
    }
    if (a.daysPerWeek > 7 - unavailable.size) {
      ctx.addIssue({
        code: 'custom',
        path: ['daysPerWeek'],
        message: `must not exceed the ${7 - unavailable.size} available days`,
      });
    }
  });
export type AvailabilityInput = z.infer<typeof AvailabilityInput>;

/** What the athlete runs now; seeds the load engine while they have under 28 days of history. */
export const CurrentVolumeInput = z.strictObject({
  weeklyMinutes: z.number().min(0).max(3000).optional(),
  weeklyDistanceKm: z.number().min(0).max(1000).optional(),
  longestRecentRunMinutes: z.number().min(0).max(1440).optional(),
  experience: Experience,
});
export type CurrentVolumeInput = z.infer<typeof CurrentVolumeInput>;

/** Stored as PATCH /me stores them (profile and baselines). */
export const OnboardingProfileInput = z.strictObject({
  dob: CalendarDate,
  sex: z.enum(sexes),
  weightKg: z.number().min(25).max(300),
  heightCm: z.number().min(100).max(250),
  maxHr: int(120, 230).optional(),
  restingHr: int(25, 120).optional(),
  lactateThresholdHr: int(25, 250).optional(),
});

/** POST /api/v1/onboarding. Strict: a misspelt field is a 422 naming it. */
export const OnboardingBody = z
  .strictObject({
    profile: OnboardingProfileInput.optional(),
    goal: GoalInput,
    availability: AvailabilityInput,
    current: CurrentVolumeInput,
  })
  .meta({
    id: 'OnboardingBody',
    examples: [
      {
        profile: { dob: '1990-05-01', sex: 'female', weightKg: 58, heightCm: 165, maxHr: 188, restingHr: 50, lactateThresholdHr: 168 },
        goal: { raceDistance: 'half', raceDate: '2026-06-21', goalTimeMinutes: 115 },
        availability: { daysPerWeek: 4, longRunDay: 'sun', unavailableDays: ['fri'], maxSessionMinutes: 120 },
        current: { weeklyMinutes: 180, longestRecentRunMinutes: 70, experience: 'intermediate' },
      },
    ],
  });
export type OnboardingBody = z.infer<typeof OnboardingBody>;

/** POST /api/v1/plan/regenerate: what changes; absent keeps the active plan's value (null clears the goal time). */
export const RegenerateBody = z
  .strictObject({
    availability: AvailabilityInput.optional(),
    goal: z
      .strictObject({
        raceDate: CalendarDate.optional(),
        goalTimeMinutes: GoalTimeMinutes.nullable().optional(),
      })
      .optional(),
  })
  .meta({
    id: 'RegeneratePlanBody',
    examples: [{ availability: { daysPerWeek: 5, longRunDay: 'sat', unavailableDays: ['mon'] }, goal: { goalTimeMinutes: 112 } }],
  });
export type RegenerateBody = z.infer<typeof RegenerateBody>;

/** ?weeks=N (1 to the plan's length) or ?weeks=all; default 2. */
export const CurrentPlanQuery = z.object({
  weeks: z
    .union([z.literal('all'), z.string().regex(/^\d{1,3}$/, 'must be a whole number of weeks or "all"')])
    .default('2')
    .transform((w) => (w === 'all' ? ('all' as const) : Number(w)))
    .refine((w) => w === 'all' || w >= 1, 'must be at least 1')
    .meta({ examples: ['4'] }),
});
export type CurrentPlanQuery = z.infer<typeof CurrentPlanQuery>;

export const PlanPhase = z.object({
  name: z.enum(planPhaseNames),
  startDate: z.string(),
  endDate: z.string(),
});

export const Plan = z.object({
  id: z.uuid(),
  goal: z.object({
    raceDistance: z.union([z.enum(raceDistances), z.object({ meters: z.number() })]),
    distanceMeters: z.number(),
    raceDate: z.string(),
    goalTimeMinutes: z.number().nullable(),
  }),
  startDate: z.string(),
  raceDate: z.string(),
  phases: z.array(PlanPhase),
  /** Bumped by every change (regenerate, adaptation); GET /plan/changes explains each one. */
  version: z.number().int(),
  status: z.enum(planStatuses),
});
export type Plan = z.infer<typeof Plan>;

/** What a workout asks of the athlete: its original in `adaptation`, before/after in the change log. */
export const Prescription = z.object({
  type: z.enum(workoutTypes),
  targetDurationMinutes: z.number().nullable(),
  targetDistanceMeters: z.number().nullable(),
  targetRpe: z.number().nullable(),
  zone: z.number().nullable(),
  description: z.string(),
});
export type Prescription = z.infer<typeof Prescription>;

export const Workout = z
  .object({
    id: z.uuid(),
    date: z.string(),
    type: z.enum(workoutTypes),
    targetDurationMinutes: z.number().nullable(),
    targetDistanceMeters: z.number().nullable(),
    /** Session RPE on the CR-10 scale. */
    targetRpe: z.number().nullable(),
    /** Heart-rate zone 1-5; null when no heart-rate anchor is known (RPE only) or for strength. */
    zone: z.number().nullable(),
    /** targetDurationMinutes x targetRpe, AU: comparable with an activity's internalLoad. */
    plannedLoad: z.number().nullable(),
    description: z.string(),
    state: z.enum(workoutStates),
    completedActivityId: z.uuid().nullable(),
    /**
     * Set when the coach changed this workout (readiness, a risk alert, a missed long run): the prescription as
     * generated (null for a workout the adaptation added, e.g. a moved long run) and why. POST .../restore undoes it.
     */
    adaptation: z.object({ original: Prescription.nullable(), reason: z.object({ code: z.string(), message: z.string() }) }).nullable(),
  })
  .meta({ id: 'Workout', examples: [workoutExample] });
export type Workout = z.infer<typeof Workout>;

const currentPlanExample = {
  plan: {
    id: '5b0c1c52-3f4e-4a8e-9d0b-2f6f1f7e9a01',
    goal: { raceDistance: 'half', distanceMeters: 21097.5, raceDate: '2026-06-21', goalTimeMinutes: 115 },
    startDate: '2026-03-02',
    raceDate: '2026-06-21',
    phases: [
      { name: 'base', startDate: '2026-03-02', endDate: '2026-04-05' },
      { name: 'build', startDate: '2026-04-06', endDate: '2026-05-10' },
      { name: 'peak', startDate: '2026-05-11', endDate: '2026-06-07' },
      { name: 'taper', startDate: '2026-06-08', endDate: '2026-06-21' },
    ],
    version: 1,
    status: 'active',
  },
  week: { index: 0, phase: 'base', plannedLoad: 760 },
  workouts: [
    {
      id: '9f1d2c3b-4a5e-4f60-8a7b-1c2d3e4f5a6b',
      date: '2026-03-03',
      type: 'easy',
      targetDurationMinutes: 45,
      targetDistanceMeters: 7000,
      targetRpe: 3,
      zone: 2,
      plannedLoad: 135,
      description: '45 min easy, conversational pace, HR under 151 (about 7 km)',
      state: 'planned',
      completedActivityId: null,
      adaptation: null,
    },
  ],
};

/** GET /plan/current, and the answer of onboarding and regenerate. */
export const CurrentPlan = z
  .object({
    plan: Plan,
    /** The plan week holding the athlete's local today (before the plan starts: its first week). */
    week: z.object({
      index: z.number().int(),
      phase: z.enum(planPhaseNames),
      /** Sum of the week's planned loads, AU. */
      plannedLoad: z.number(),
    }),
    /** From the local today on, by date. */
    workouts: z.array(Workout),
  })
  .meta({ id: 'CurrentPlan', examples: [currentPlanExample] });
export type CurrentPlan = z.infer<typeof CurrentPlan>;

/**
 * One version of a plan: what triggered it, why (a stable code clients switch on and a sentence for the athlete),
 * and each workout it touched before and after (null before: added; null after: removed, a rest day now).
 */
export const PlanChange = z.object({
  version: z.number().int(),
  at: z.iso.datetime({ offset: true }),
  trigger: z.enum(planChangeTriggers),
  reason: z.object({ code: z.string(), message: z.string() }),
  changes: z.array(z.object({ workoutId: z.uuid(), date: z.string(), before: Prescription.nullable(), after: Prescription.nullable() })),
});
export type PlanChange = z.infer<typeof PlanChange>;

/** GET /api/v1/plan/changes: the active plan's versions, newest first. */
export const PlanChangeList = z.object({ changes: z.array(PlanChange) }).meta({
  id: 'PlanChangeList',
  examples: [
    {
      changes: [
        {
          version: 2,
          at: '2027-03-10T05:31:12.000Z',
          trigger: 'readiness',
          reason: { code: 'readiness_yellow', message: "Your readiness is yellow this morning, so today's session is a little easier." },
          changes: [{ workoutId: EXAMPLE_WORKOUT_ID, date: '2027-03-10', before: tempoExample, after: { ...tempoExample, targetRpe: 6, zone: 3 } }],
        },
      ],
    },
  ],
});
export type PlanChangeList = z.infer<typeof PlanChangeList>;

export const WorkoutIdParams = z.object({ id: z.uuid().meta({ examples: [EXAMPLE_WORKOUT_ID] }) });
