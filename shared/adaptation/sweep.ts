// The midnight sweep and the activity link: a planned workout whose day has passed becomes `completed` (linked
// to a counted activity of that local date that fits it) or `missed`, and recording an activity links it at
// once to that day's planned workout. Both are one statement however many athletes and workouts they cover.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '#shared/db/connection';
import type { JsonObject } from '#shared/db/schema';
import { DetailType, type OutgoingEvent } from '#shared/events/catalogue';
import { publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { runningTypes } from '#shared/domain/activity-candidate';

/** Which activities complete which workouts: a run for a run of any kind, strength for strength, a ride or cross-training for cross-training. */
function fits(workoutType: RawBuilder<unknown>, activityType: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(case ${workoutType}
    when 'strength' then ${activityType} = 'strength'
    when 'cross_training' then ${activityType} in ('cross_training', 'ride')
    else ${activityType} = any(${[...runningTypes]}::text[]) end)`;
}

export interface SweepResult {
  completed: number;
  missed: number;
  /** Athletes whose workouts changed (their home screens). */
  userIds: string[];
}

/**
 * Athletes whose local clock reads 00:00-00:59 at `now`: every current planned workout of their active plan
 * dated before their local today is closed, in one statement that also writes WorkoutMissed to the outbox.
 * Each workout takes the longest fitting counted activity of its date that no workout holds yet.
 */
export async function sweepPastWorkouts(db: Db, publisher: EventPublisher, now: Date): Promise<SweepResult> {
  const { rows } = await sql<{ kind: 'event' | 'user' | 'completed'; id: string | null; detail: JsonObject | null }>`
    with due as (
      select w.id, w.user_id, w.date, w.type
        from users u
        join scheduled_workouts w on w.user_id = u.id
        join training_plans p on p.id = w.plan_id and p.user_id = w.user_id and p.status = 'active'
       where extract(hour from (${now}::timestamptz at time zone u.time_zone)) = 0
         and w.state = 'planned' and w.removed_in_version is null
         and w.date < (${now}::timestamptz at time zone u.time_zone)::date
    ),
    candidates as (
      select distinct on (d.id) d.id as workout_id, a.id as activity_id
        from due d
        join activities a on a.user_id = d.user_id and a.local_date = d.date and a.duplicate_of is null
       where ${fits(sql`d.type`, sql`a.type`)}
         and not exists (select 1 from scheduled_workouts l where l.user_id = a.user_id and l.completed_activity_id = a.id)
       order by d.id, a.duration_minutes desc, a.id
    ),
    matched as (
      select distinct on (activity_id) workout_id, activity_id from candidates order by activity_id, workout_id
    ),
    closed as (
      update scheduled_workouts w
         set state = case when m.activity_id is null then 'missed' else 'completed' end,
             completed_activity_id = m.activity_id
        from due d
        left join matched m on m.workout_id = d.id
       where w.id = d.id
      returning w.id, w.user_id, w.date, w.state
    ),
    outbox as (
      insert into event_outbox (detail_type, detail)
      select ${DetailType.WorkoutMissed}, jsonb_build_object('userId', user_id, 'scheduledWorkoutId', id, 'date', to_char(date, 'YYYY-MM-DD'))
        from closed where state = 'missed'
      returning id, detail
    )
    select 'event' as kind, id::text, detail from outbox
    union all
    select 'user', user_id::text, null from (select distinct user_id from closed) u
    union all
    select 'completed', null, null from closed where state = 'completed'`.execute(db);

  const enqueued: EnqueuedEvent[] = rows
    .filter((r) => r.kind === 'event')
    .map((r) => ({ id: r.id!, event: { detailType: DetailType.WorkoutMissed, detail: r.detail } as OutgoingEvent }));
  // After the statement's commit; a failed publish leaves the rows for the relay.
  await publishEnqueued(db, publisher, enqueued);
  return {
    completed: rows.filter((r) => r.kind === 'completed').length,
    missed: enqueued.length,
    userIds: rows.filter((r) => r.kind === 'user').map((r) => r.id!),
  };
}

/**
 * Recording an activity completes that day's planned workout at once: each counted activity that no workout holds
 * yet takes the fitting planned workout of its local date (the longest activity first when several could). CTEs
 * of the caller's statement (the activity service's one write of a batch): `activities` selects the activities as written (id, user_id, local_date, type, duration_minutes, duplicate_of),
 * e.g. from the RETURNING of their upsert in the same statement. The last CTE, `linked`, returns the user_id of
 * each workout completed.
 */
export function workoutLinkCtes(activities: RawBuilder<unknown>): [string, RawBuilder<unknown>][] {
  return [
    [
      'link_incoming',
      sql`
      select a.id, a.user_id, a.local_date, a.type, a.duration_minutes
        from (${activities}) a
       where a.duplicate_of is null
         and not exists (select 1 from scheduled_workouts l where l.user_id = a.user_id and l.completed_activity_id = a.id)`,
    ],
    [
      'link_candidates',
      sql`
      select distinct on (w.id) w.id as workout_id, w.user_id, i.id as activity_id
        from link_incoming i
        join scheduled_workouts w on w.user_id = i.user_id and w.date = i.local_date
         and w.state = 'planned' and w.removed_in_version is null
        join training_plans p on p.id = w.plan_id and p.user_id = w.user_id and p.status = 'active'
       where ${fits(sql`w.type`, sql`i.type`)}
       order by w.id, i.duration_minutes desc, i.id`,
    ],
    ['link_matched', sql`select distinct on (activity_id) workout_id, user_id, activity_id from link_candidates order by activity_id, workout_id`],
    [
      'linked',
      sql`
      update scheduled_workouts w
         set state = 'completed', completed_activity_id = m.activity_id
        from link_matched m
       where w.id = m.workout_id and w.user_id = m.user_id
      returning w.user_id`,
    ],
  ];
}
