// GET /api/v1/home: the app's first screen in one answer, cached per user (shared/home/home.ts).
import * as z from 'zod';
import { planPhaseNames } from '#shared/db/schema';
import { Readiness, RiskAlert } from './metrics';
import { examples, Workout } from './plans';
import { Task } from './tasks';

/** ACWR bands (science.md §5): under 0.8 low, 0.8-1.3 optimal, 1.3-1.5 high, above 1.5 danger. */
export const loadStatuses = ['low', 'optimal', 'high', 'danger'] as const;

export const Home = z
  .object({
    today: z.object({
      /** The athlete's local today. */
      date: z.string(),
      /** Today's workout as it stands (adapted, with `adaptation`); null on a rest day or without a plan. */
      workout: Workout.nullable(),
      /** This morning's readiness; null before the check-in (or without enough data). */
      readiness: Readiness.nullable(),
    }),
    /** The latest computed day's load (zeros before the first activity). */
    load: z.object({
      acute: z.number(),
      chronic: z.number(),
      acwr: z.number().nullable(),
      tsb: z.number(),
      status: z.enum(loadStatuses),
    }),
    /** The plan week holding today; null without an active plan. */
    week: z
      .object({
        phase: z.enum(planPhaseNames),
        index: z.number().int(),
        /** Sum of the week's planned loads, AU. */
        plannedLoad: z.number(),
        /** Sum of the week's counted activity loads so far, AU. */
        doneLoad: z.number(),
      })
      .nullable(),
    /** The next 3 planned workouts after today. */
    next: z.array(Workout),
    tasks: z.object({ open: z.number().int(), first: Task.nullable() }),
    notifications: z.object({ unread: z.number().int() }),
    /** Risk alerts of the last 7 days. */
    alerts: z.array(RiskAlert),
  })
  .meta({
    id: 'Home',
    examples: [
      {
        today: {
          date: '2027-03-10',
          workout: examples.workout,
          readiness: { light: 'yellow', reasons: [{ code: 'sore', message: 'Muscles are sore', severity: 'flag' }] },
        },
        load: { acute: 310.4, chronic: 268.9, acwr: 1.15, tsb: -41.5, status: 'optimal' },
        week: { phase: 'base', index: 1, plannedLoad: 1200, doneLoad: 420 },
        next: [{ ...examples.workout, id: '8e3a2d4b-9f5c-4d7e-8a1b-2c3d4e5f6a70', date: '2027-03-12', adaptation: null }],
        tasks: { open: 0, first: null },
        notifications: { unread: 1 },
        alerts: [],
      },
    ],
  });
export type Home = z.infer<typeof Home>;
