// The activity API's shapes (POST/GET/PATCH/DELETE /api/v1/activities): each value is checked here, once,
// at the edge. Cross-field plausibility (avg HR above max, a pace no runner can hold, a start in the
// future) is shared with the vendors' path: shared/domain/activity-candidate.ts validateCandidate.
import * as z from 'zod';
import { activitySources, activityTypes } from '#shared/db/schema';
import { CalendarDate } from './dates';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** Absent and null both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const ActivityType = z.enum(activityTypes);
export const Rpe = int(1, 10).describe('Session RPE on the CR-10 scale, 1-10');
export const Feeling = int(1, 5).describe('How the session felt, 1-5');
export const Notes = z.string().max(2000);

export const CreateActivityBody = z
  .strictObject({
    /** ISO 8601 with an offset (or Z): a wall time without one names no single instant. */
    startTime: z.iso.datetime({ offset: true }),
    /** The whole session, pauses included: session-RPE load is duration x RPE. */
    durationMinutes: z.number().gt(0).max(1440),
    distanceMeters: optional(z.number().min(0).max(1_000_000)),
    avgHr: optional(int(25, 250)),
    maxHr: optional(int(25, 250)),
    elevationGainMeters: optional(z.number().min(0).max(30_000)),
    rpe: optional(Rpe),
    feeling: optional(Feeling),
    notes: optional(Notes),
    /** Default: run (an update of an existing entry keeps its type). */
    type: ActivityType.optional(),
    /** The app's own id for the entry: a retry (offline sync) with the same id updates, never duplicates. */
    externalId: optional(z.string().min(1).max(255)),
  })
  .meta({
    id: 'CreateActivityBody',
    examples: [
      { startTime: '2024-05-01T07:30:00+02:00', durationMinutes: 52, distanceMeters: 10_000, avgHr: 148, rpe: 6, type: 'run', externalId: 'app-7f3c' },
    ],
  });
export type CreateActivityBody = z.infer<typeof CreateActivityBody>;

export const UpdateActivityBody = z
  .strictObject({
    rpe: Rpe.optional(),
    /** null clears it. */
    feeling: Feeling.nullable().optional(),
    notes: Notes.nullable().optional(),
    type: ActivityType.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'must give at least one of rpe, feeling, notes or type' })
  .meta({ id: 'UpdateActivityBody', minProperties: 1, examples: [{ rpe: 7, feeling: 4 }] });
export type UpdateActivityBody = z.infer<typeof UpdateActivityBody>;

export const ActivityIdParams = z.object({ id: z.uuid().meta({ examples: ['0b6f4c1e-5d0a-4f7e-9a39-3c2b1d7e8f90'] }) });

/** Both bounds are athlete-local dates, inclusive. Default: the 28 days ending today in the user's zone. */
/** Range bounds: year 0 is no PostgreSQL date, and the default range reaches back from `to` (fuzz-found 500). */
const RangeDate = CalendarDate.refine((d) => d >= '1900-01-01', 'must not be before 1900-01-01');

export const ListActivitiesQuery = z
  .object({ from: RangeDate.optional(), to: RangeDate.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] });
export type ListActivitiesQuery = z.infer<typeof ListActivitiesQuery>;

export const Activity = z
  .object({
    id: z.uuid(),
    source: z.enum(activitySources),
    externalId: z.string().nullable(),
    type: ActivityType,
    /** UTC instant. */
    startTime: z.iso.datetime(),
    /** Athlete-local date of the start: the day its load counts on. */
    localDate: CalendarDate,
    durationMinutes: z.number(),
    distanceMeters: z.number().nullable(),
    avgHr: z.number().nullable(),
    maxHr: z.number().nullable(),
    elevationGainMeters: z.number().nullable(),
    rpe: z.number().nullable(),
    feeling: z.number().nullable(),
    notes: z.string().nullable(),
    /** duration_minutes x RPE (AU); null until RPE is known, and for a duplicate. */
    internalLoad: z.number().nullable(),
    /** Banister TRIMP from heart rate; null without HR or without the user's resting/max HR. */
    trimp: z.number().nullable(),
    /** The activity this one repeats from another source: it is listed but carries no load. */
    duplicateOf: z.uuid().nullable(),
    /** Values the counted activity took from one of its duplicates: field name -> that duplicate's id. */
    fieldSources: z.record(z.string(), z.uuid()),
  })
  .meta({ id: 'Activity', examples: [activityExample()] });
export type Activity = z.infer<typeof Activity>;

export const ActivityList = z.object({ activities: z.array(Activity) }).meta({ id: 'ActivityList', examples: [{ activities: [activityExample()] }] });

function activityExample() {
  return {
    id: '0b6f4c1e-5d0a-4f7e-9a39-3c2b1d7e8f90',
    source: 'manual',
    externalId: 'app-7f3c',
    type: 'run',
    startTime: '2024-05-01T05:30:00.000Z',
    localDate: '2024-05-01',
    durationMinutes: 52,
    distanceMeters: 10000,
    avgHr: 148,
    maxHr: null,
    elevationGainMeters: null,
    rpe: 6,
    feeling: null,
    notes: null,
    internalLoad: 312,
    trimp: 94.2,
    duplicateOf: null,
    fieldSources: {},
  };
}
