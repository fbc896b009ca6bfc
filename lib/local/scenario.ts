// A season scenario for the simulator (bin/simulate.ts): one synthetic athlete, day by day. Strict at every
// level, so a misspelt field is an error naming it rather than a silently ignored line.
import * as z from 'zod';
import { isValidDate, isValidTimeZone } from '#shared/domain/dates';
import { LogDailyMetricsBody } from '#shared/contracts/metrics';
import { OnboardingBody, RegenerateBody } from '#shared/contracts/plans';
import { activityTypes, planChangeTriggers, riskAlertKinds } from '#shared/db/schema';

const CheckIn = LogDailyMetricsBody.omit({ date: true });

/** An activity the athlete does instead of the plan: posted at 07:00 local as POST /activities. */
const Activity = z.strictObject({
  durationMinutes: z.number().gt(0).max(1440),
  rpe: z.number().int().min(1).max(10),
  type: z.enum(activityTypes).optional(),
  distanceMeters: z.number().min(0).optional(),
});

const Action = z.union([z.literal('as_planned'), z.literal('skip'), Activity]);

const Event = z.strictObject({
  /** 0 = the start date. */
  day: z.number().int().min(0),
  /** Replaces the default check-in that morning. */
  checkIn: CheckIn.optional(),
  /** What the athlete does at 07:00 instead of the default. */
  do: Action.optional(),
  /** POST /plan/regenerate at 06:45 with this body. */
  regenerate: RegenerateBody.optional(),
});

/** A rule the scenario expects to fire: a change-log entry, or a risk alert, optionally on a given day. */
const Expectation = z.union([
  z.strictObject({ day: z.number().int().min(0).optional(), trigger: z.enum(planChangeTriggers), code: z.string().optional() }),
  z.strictObject({ day: z.number().int().min(0).optional(), alert: z.enum(riskAlertKinds) }),
  /** Must not happen at all: a change with this trigger, or an alert of this kind. */
  z.strictObject({ never: z.enum([...planChangeTriggers, ...riskAlertKinds]) }),
]);
export type Expectation = z.infer<typeof Expectation>;

export const Scenario = z.strictObject({
  /** What the scenario shows (printed above the table). */
  description: z.string().optional(),
  timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone'),
  start: z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && isValidDate(d), 'must be a date YYYY-MM-DD'),
  days: z.number().int().min(1).max(400),
  /** Activities before the start (day < 0), posted before the first morning. */
  history: z.array(Activity.extend({ day: z.number().int().max(-1) }).strict()).optional(),
  /** POST /onboarding's body, posted on the first morning. */
  onboarding: OnboardingBody,
  /** POST /daily-metrics' body without the date, every morning at 06:30. */
  checkIn: CheckIn.optional(),
  default: z.enum(['as_planned', 'skip']).default('as_planned'),
  events: z.array(Event).default([]),
  /** Rules that must fire; the simulator exits non-zero when one does not. */
  expect: z.array(Expectation).default([]),
});
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioActivity = z.infer<typeof Activity>;
export type ScenarioAction = z.infer<typeof Action>;
