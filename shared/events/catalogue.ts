// The event catalogue: one zod schema per detail-type, shared by publishers and consumers.
import * as z from 'zod';

export const EVENT_SOURCE = 'runningcoach';

export const DetailType = {
  ActivityReceived: 'ActivityReceived',
  ActivityRecorded: 'ActivityRecorded',
  DailyMetricLogged: 'DailyMetricLogged',
  RiskAlertRaised: 'RiskAlertRaised',
  WorkoutMissed: 'WorkoutMissed',
  TrainingDayClosed: 'TrainingDayClosed',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

const uuid = z.uuid();
const localDate = z.iso.date();

export const eventDetailSchemas = {
  /** A vendor or the app delivered an activity; not yet normalized. Large payloads travel by claim check. */
  [DetailType.ActivityReceived]: z.object({
    vendor: z.enum(['garmin', 'strava', 'apple']),
    /** The vendor's identity of the event, also the idempotency key. */
    eventKey: z.string().min(1),
    payload: z.unknown().optional(),
    claimCheck: z.string().optional(),
    userId: uuid.optional(),
  }),
  /**
   * An activity was created, changed or deleted in a way that changes load from `localDate` on. An offline batch
   * (POST /sync) announces one per user: its earliest changed day, with the activity changed on it.
   */
  [DetailType.ActivityRecorded]: z.object({
    userId: uuid,
    activityId: uuid,
    localDate,
    change: z.enum(['created', 'updated', 'deleted']),
  }),
  [DetailType.DailyMetricLogged]: z.object({ userId: uuid, date: localDate }),
  [DetailType.RiskAlertRaised]: z.object({
    userId: uuid,
    alertId: uuid,
    date: localDate,
    kind: z.enum(['acwr', 'monotony']),
  }),
  [DetailType.WorkoutMissed]: z.object({ userId: uuid, scheduledWorkoutId: uuid, date: localDate }),
  /** The athlete's local day `date` has ended (the hourly sweep): the series is judged through it, rest day or not. */
  [DetailType.TrainingDayClosed]: z.object({ userId: uuid, date: localDate }),
} satisfies Record<DetailType, z.ZodType>;

export type EventDetail<T extends DetailType> = z.infer<(typeof eventDetailSchemas)[T]>;

export interface OutgoingEvent<T extends DetailType = DetailType> {
  detailType: T;
  detail: EventDetail<T>;
}
