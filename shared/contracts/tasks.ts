// GET /api/v1/tasks: what the athlete still has to do (today: rate the effort of an activity).
import * as z from 'zod';
import { activitySources, activityTypes, pendingTaskKinds, pendingTaskStatuses } from '#shared/db/schema';
import { CalendarDate } from './dates';

export const Task = z
  .object({
    id: z.uuid(),
    kind: z.enum(pendingTaskKinds),
    status: z.enum(pendingTaskStatuses),
    activityId: z.uuid().nullable(),
    /** Enough to show "Rate your 56-minute run of Sunday" without another request. */
    activity: z
      .object({
        id: z.uuid(),
        source: z.enum(activitySources),
        type: z.enum(activityTypes),
        startTime: z.iso.datetime(),
        localDate: CalendarDate,
        durationMinutes: z.number(),
      })
      .nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Task', examples: [taskExample()] });
export type Task = z.infer<typeof Task>;

export const TaskList = z.object({ tasks: z.array(Task) }).meta({ id: 'TaskList', examples: [{ tasks: [taskExample()] }] });

function taskExample() {
  const activityId = '0b6f4c1e-5d0a-4f7e-9a39-3c2b1d7e8f90';
  return {
    id: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
    kind: 'enter_rpe',
    status: 'open',
    activityId,
    activity: { id: activityId, source: 'garmin', type: 'run', startTime: '2024-05-01T05:30:00.000Z', localDate: '2024-05-01', durationMinutes: 52 },
    createdAt: '2024-05-01T06:31:12.000Z',
  };
}
