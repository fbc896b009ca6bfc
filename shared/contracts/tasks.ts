// GET /api/v1/tasks: what the athlete still has to do (today: rate the effort of an activity).
import { z } from 'zod';
import { activitySources, activityTypes, pendingTaskKinds, pendingTaskStatuses } from '../db/schema';

export const Task = z.object({
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
      localDate: z.iso.date(),
      durationMinutes: z.number(),
    })
    .nullable(),
  createdAt: z.iso.datetime(),
});
export type Task = z.infer<typeof Task>;

export const TaskList = z.object({ tasks: z.array(Task) });
