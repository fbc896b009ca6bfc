// The hourly day-close sweep. Stats and alerts are recomputed when something happens; a day on which nothing
// happens (a rest day closing the training week, whose monotony the product judges) would otherwise wait for
// the next event. Every hour, the athletes whose local midnight passed in the last hour get a
// TrainingDayClosed event, and the rolling-stats worker extends their series through the day that ended.
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';
import { DetailType, type OutgoingEvent } from '#shared/events/catalogue';
import type { EventPublisher } from '#shared/events/publisher';

export interface ClosedDay {
  userId: string;
  /** The athlete-local day that just ended. */
  date: string;
}

/**
 * One set-based query: athletes with a training series whose local clock reads 00:00-00:59 at `now`
 * (zones with half-hour offsets included), with the local date that just ended.
 */
export async function trainingDaysJustClosed(db: Conn, now: Date): Promise<ClosedDay[]> {
  const { rows } = await sql<{ user_id: string; date: string }>`
    select u.id as user_id, to_char((${now}::timestamptz at time zone u.time_zone)::date - 1, 'YYYY-MM-DD') as date
    from users u
    join load_series s on s.user_id = u.id
    where extract(hour from (${now}::timestamptz at time zone u.time_zone)) = 0`.execute(db);
  return rows.map((r) => ({ userId: r.user_id, date: r.date }));
}

export async function closeTrainingDays(db: Conn, publisher: EventPublisher, now: Date): Promise<number> {
  const closed = await trainingDaysJustClosed(db, now);
  const events: OutgoingEvent[] = closed.map((day) => ({ detailType: DetailType.TrainingDayClosed, detail: day }));
  // The publisher sends 10 per PutEvents call and throws if any still fails: the schedule's retry resends
  // them all, which the idempotent recompute absorbs.
  if (events.length > 0) await publisher.publish(events);
  return events.length;
}
