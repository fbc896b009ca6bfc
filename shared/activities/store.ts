// The SQL behind the activity service. Set-based: every statement covers the whole batch (arrays passed
// as one parameter each and expanded with unnest), so a batch costs the same few round trips whether it
// holds one activity or ten, and samples cost one statement however many there are (one row per activity).
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Conn } from '#shared/db/connection';
import { arrayOf, columnsOf } from '#shared/db/array-literal';
import { columns, type Database, type JsonObject } from '#shared/db/schema';
import type { HeartRateSample } from '#shared/domain/trimp';
import type { ActivityOp, Rejection, UserContext, VendorKey, WorkingRow } from './activity-ops';
import type { ActivityChangeSet } from './change-set';
import { type Channel, heartRatesOf, type SampleChannels, toChannels } from './sample-channels';

type Trx = Transaction<Database>;

const ids = (values: readonly (string | null)[]) => arrayOf('uuid', values);
const texts = (values: readonly (string | null)[]) => arrayOf('text', values);

/** What the change set needs of a user (UserContext), for a caller that reads it in a statement of its own. */
export const userContextColumns = [
  'id',
  'time_zone',
  'resting_hr',
  'max_hr',
  'sex',
  'notification_preferences',
] as const satisfies readonly (keyof UserContext)[];

/** UserContext.has_active_plan, selected from `users`: only then can an activity complete a planned workout. */
export const hasActivePlan = sql<boolean>`exists (select 1 from training_plans p where p.user_id = users.id and p.status = 'active')`;

/**
 * Serializes writes per user for the rest of the transaction (two deliveries of one run, or Garmin's and
 * Strava's copies, decided concurrently would each see no duplicate) and reads what the change set needs of each
 * user. Locks are taken in id order, after the sort, so two batches never wait on each other in a cycle.
 */
export async function lockUsers(trx: Trx, userIds: readonly string[]): Promise<Map<string, UserContext>> {
  if (userIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('users')
    .select(userContextColumns)
    .select(hasActivePlan.as('has_active_plan'))
    .select(sql<string>`pg_advisory_xact_lock(hashtextextended('activities:' || id::text, 0))`.as('locked'))
    .where('id', '=', sql<string>`any(${ids(userIds)})`)
    .orderBy('id')
    .execute();
  return new Map(rows.map(({ locked: _, ...user }) => [user.id, user]));
}

/**
 * Every row the operations can touch, in one query: the targets (by vendor key or by id), their
 * duplicates and primaries, and each incoming activity's neighbours within the duplicate window.
 */
export async function loadWorkingRows(trx: Trx, ops: readonly ActivityOp[], noNeighbours: ReadonlySet<ActivityOp> = new Set()): Promise<WorkingRow[]> {
  const keyed = { users: [] as string[], sources: [] as string[], externalIds: [] as string[] };
  const byId = { users: [] as string[], ids: [] as string[] };
  const near = { users: [] as string[], starts: [] as string[] };
  for (const op of ops) {
    if (op.kind === 'upsert') {
      if (!noNeighbours.has(op)) {
        near.users.push(op.userId);
        near.starts.push(op.candidate.startTime);
      }
      if (op.candidate.externalId !== null) {
        keyed.users.push(op.userId);
        keyed.sources.push(op.candidate.source);
        keyed.externalIds.push(op.candidate.externalId);
      }
    } else if (op.kind === 'patch' || 'activityId' in op) {
      byId.users.push(op.userId);
      byId.ids.push(op.activityId);
    } else {
      keyed.users.push(op.userId);
      keyed.sources.push(op.source);
      keyed.externalIds.push(op.externalId);
    }
  }
  if (keyed.users.length + byId.users.length + near.users.length === 0) return [];
  // Every join also names its users as a plain list: the planner then reads each user's rows through the user's
  // index instead of hashing the whole table against the batch (it cannot see which users an unnest holds).
  const users = ids([...new Set([...keyed.users, ...byId.users, ...near.users])]);
  const result = await sql<WorkingRow>`
    with targets as (
      select a.id, a.user_id, a.duplicate_of
        from activities a
        join unnest(${ids(keyed.users)}, ${texts(keyed.sources)}, ${texts(keyed.externalIds)}) k (user_id, source, external_id)
          on a.user_id = k.user_id and a.source = k.source and a.external_id = k.external_id
       where a.user_id = any(${users})
      union
      select a.id, a.user_id, a.duplicate_of
        from activities a
        join unnest(${ids(byId.users)}, ${ids(byId.ids)}) t (user_id, id)
          on a.user_id = t.user_id and a.id = t.id
       where a.user_id = any(${users})
    ),
    wanted as (
      select id from targets
      union
      select duplicate_of from targets where duplicate_of is not null
      union
      select d.id from activities d join targets t on d.user_id = t.user_id and d.duplicate_of = t.id where d.user_id = any(${users})
      union
      -- Each incoming start's window, read through (user_id, start_time). Joined as a whole, the window is only a
      -- filter on a join by user: every stored activity of the user met every incoming one (500 entries against
      -- a year of history: 250,000 pairs, 33 ms). OFFSET 0 keeps the planner from flattening it into that join.
      select n.id
        from unnest(${ids(near.users)}, ${arrayOf('timestamptz', near.starts)}) w (user_id, start_time)
        cross join lateral (
          select a.id
            from activities a
           where a.user_id = w.user_id
             and a.start_time between w.start_time - interval '2 minutes' and w.start_time + interval '2 minutes'
          offset 0
        ) n
    )
    select id, user_id, source, external_id, type, start_time, local_date, utc_offset_minutes, duration_minutes,
           distance_meters, avg_hr, max_hr, elevation_gain_meters, rpe, feeling, notes, internal_load, trimp,
           duplicate_of, created_at, field_sources
      from activities
     where user_id = any(${users}) and id in (select id from wanted)`.execute(trx);
  return result.rows;
}

/** Heart-rate samples of activities whose TRIMP is recomputed without a new delivery of samples. */
export async function loadHeartRates(trx: Trx, rows: readonly Pick<WorkingRow, 'id' | 'user_id'>[]): Promise<Map<string, HeartRateSample[]>> {
  const out = new Map<string, HeartRateSample[]>();
  if (rows.length === 0) return out;
  const result = await sql<{ activity_id: string; hr: Channel }>`
    select s.activity_id, s.hr
      from activity_samples s
      join unnest(${ids(rows.map((r) => r.user_id))}, ${ids(rows.map((r) => r.id))}) t (user_id, activity_id)
        on s.user_id = t.user_id and s.activity_id = t.activity_id
     where s.hr is not null`.execute(trx);
  for (const r of result.rows) out.set(r.activity_id, heartRatesOf(r.hr));
  return out;
}

// ---- writes ---------------------------------------------------------------------------------------
//
// Each writer is a list of named data-modifying CTEs (a CTE with a data-modifying statement must sit at the top
// level of its WITH), so writeChanges can put every write of a batch into one statement: one round trip. All parts
// see the snapshot taken before the statement, and the foreign keys are checked (and the deletes cascade) at its
// end, so a part never needs another part's effect: each works on rows that no other part touches.

const ROWS_PER_INSERT = 1000;

/** One data-modifying (or reading) CTE of the batch's write: `name as (body)`. */
export type Cte = readonly [name: string, body: RawBuilder<unknown>];

/** The CTEs as one statement; none: no statement. */
export async function writeCtes(trx: Trx, ctes: readonly Cte[]): Promise<void> {
  if (ctes.length === 0) return;
  await sql`with ${sql.join(
    ctes.map(([name, body]) => sql`${sql.raw(name)} as (${body})`),
    sql`, `,
  )} select 1`.execute(trx);
}

/** The columns the service writes, in the order of activityColumnsOf. */
const WRITTEN = sql.raw(`id, user_id, source, external_id, type, start_time, local_date, utc_offset_minutes, duration_minutes,
  distance_meters, avg_hr, max_hr, elevation_gain_meters, rpe, feeling, notes, internal_load, trimp, duplicate_of, field_sources`);

/** The rows as a column per parameter (for unnest): a batch of 500 is 20 arrays for the server to parse, not 10,000 values. */
function activityColumnsOf(rows: readonly WorkingRow[]) {
  const c = columnsOf(rows);
  return sql`
    ${c.uuid((r) => r.id)}, ${c.uuid((r) => r.user_id)}, ${c.text((r) => r.source)}, ${c.text((r) => r.external_id)}, ${c.text((r) => r.type)},
    ${c.timestamptz((r) => r.start_time.toISOString())}, ${c.date((r) => r.local_date)}, ${c.smallint((r) => r.utc_offset_minutes)},
    ${c.float8((r) => r.duration_minutes)}, ${c.float8((r) => r.distance_meters)}, ${c.smallint((r) => r.avg_hr)}, ${c.smallint((r) => r.max_hr)},
    ${c.float8((r) => r.elevation_gain_meters)}, ${c.smallint((r) => r.rpe)}, ${c.smallint((r) => r.feeling)}, ${c.text((r) => r.notes)},
    ${c.float8((r) => r.internal_load)}, ${c.float8((r) => r.trimp)}, ${c.uuid((r) => r.duplicate_of)}, ${c.jsonb((r) => JSON.stringify(r.field_sources))}`;
}

/**
 * Writes the rows (CTE `activity_rows`, returning each row's id, user_id, local_date, type, duration_minutes and
 * duplicate_of as written): the new ones inserted (`activities_inserted`: their ids are fresh, so no conflict
 * check), the stored ones updated (`activities_updated`).
 */
export function writeActivitiesCtes(inserts: readonly WorkingRow[], updates: readonly WorkingRow[]): Cte[] {
  const parts: Cte[] = [];
  const returned = sql`id, user_id, local_date, type, duration_minutes, duplicate_of`;
  if (inserts.length > 0) {
    parts.push(['activities_inserted', sql`insert into activities (${WRITTEN}) select * from unnest(${activityColumnsOf(inserts)}) returning ${returned}`]);
  }
  if (updates.length > 0) {
    parts.push([
      'activities_updated',
      sql`
      update activities a set
        type = u.type, start_time = u.start_time, local_date = u.local_date, utc_offset_minutes = u.utc_offset_minutes,
        duration_minutes = u.duration_minutes, distance_meters = u.distance_meters, avg_hr = u.avg_hr, max_hr = u.max_hr,
        elevation_gain_meters = u.elevation_gain_meters, field_sources = u.field_sources, rpe = u.rpe, feeling = u.feeling,
        notes = u.notes, internal_load = u.internal_load, trimp = u.trimp, duplicate_of = u.duplicate_of
        from unnest(${activityColumnsOf(updates)}) u (${WRITTEN})
       where a.id = u.id and a.user_id = u.user_id
      returning a.id, a.user_id, a.local_date, a.type, a.duration_minutes, a.duplicate_of`,
    ]);
  }
  if (parts.length === 0) return [];
  const union = sql.join(
    parts.map(([name]) => sql`select ${returned} from ${sql.raw(name)}`),
    sql` union all `,
  );
  return [...parts, ['activity_rows', union]];
}

type StoredSamples = ReturnType<typeof storedSamples>;

/** The activity_samples rows of the change set: one row per activity (its channels as arrays, migration 0006). */
export function changeSetSamples(changeSet: ActivityChangeSet): StoredSamples[] {
  return [...changeSet.samples].map(([activityId, samples]) =>
    storedSamples(changeSet.upserts.get(activityId)?.user_id ?? changeSet.before.get(activityId)!.user_id, activityId, toChannels(samples)),
  );
}

/** Replaces the samples of these activities (CTE `sample_rows`), each channel one array literal (storedSamples). */
export function replaceSamplesCtes(rows: readonly StoredSamples[], name = 'sample_rows'): Cte[] {
  if (rows.length === 0) return [];
  const values = rows.map((r) => sql`(${r.user_id}::uuid, ${r.activity_id}::uuid, ${r.seconds}::integer, ${r.hr}, ${r.speed_mps}, ${r.cadence}, ${r.power_w})`);
  return [
    [
      name,
      sql`
      insert into activity_samples (user_id, activity_id, seconds, hr, speed_mps, cadence, power_w)
      values ${sql.join(values)}
      on conflict (user_id, activity_id) do update set
        seconds = excluded.seconds, hr = excluded.hr, speed_mps = excluded.speed_mps, cadence = excluded.cadence, power_w = excluded.power_w`,
    ],
  ];
}

/** Sample rows in statements of a thousand activities each: the first for the batch's write, the rest after it. */
export function sampleChunks(rows: readonly StoredSamples[]): StoredSamples[][] {
  const chunks: StoredSamples[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) chunks.push(rows.slice(i, i + ROWS_PER_INSERT));
  return chunks;
}

/** The activity_samples row of these channels, each passed as one array literal (arrayOf). */
export function storedSamples(userId: string, activityId: string, channels: SampleChannels) {
  const { seconds, hr, speed_mps, cadence, power_w } = channels;
  const channel = (values: Channel, type: 'smallint' | 'float8') => (values === null ? null : arrayOf<number>(type, values));
  return {
    user_id: userId,
    activity_id: activityId,
    seconds,
    hr: channel(hr, 'smallint'),
    speed_mps: channel(speed_mps, 'float8'),
    cadence: channel(cadence, 'smallint'),
    power_w: channel(power_w, 'smallint'),
  };
}

/** Deletes the activities (samples and tasks cascade) and the RPE reminders about them. */
export function deleteActivitiesCtes(rows: readonly WorkingRow[]): Cte[] {
  if (rows.length === 0) return [];
  return [
    [
      'gone',
      sql`
      delete from activities a
       using unnest(${ids(rows.map((r) => r.user_id))}, ${ids(rows.map((r) => r.id))}) t (user_id, id)
       where a.user_id = t.user_id and a.id = t.id
      returning a.user_id, a.id`,
    ],
    [
      'gone_reminders',
      sql`
      delete from notifications n
       using gone
       where n.user_id = gone.user_id and n.dedupe_key = 'enter_rpe:' || gone.id`,
    ],
  ];
}

/**
 * Closes the open RPE tasks of these activities ('done' when RPE arrived, 'dismissed' when it became a
 * duplicate) and marks their reminders read.
 */
export function resolveTasksCtes(done: readonly WorkingRow[], dismissed: readonly WorkingRow[]): Cte[] {
  const all = [...done, ...dismissed];
  if (all.length === 0) return [];
  return [
    [
      'resolved',
      sql`
      update pending_tasks p
         set status = case when p.activity_id = any(${ids(done.map((r) => r.id))}) then 'done' else 'dismissed' end,
             resolved_at = now()
        from unnest(${ids(all.map((r) => r.user_id))}, ${ids(all.map((r) => r.id))}) t (user_id, activity_id)
       where p.user_id = t.user_id and p.activity_id = t.activity_id and p.kind = 'enter_rpe' and p.status = 'open'
      returning p.user_id, p.activity_id`,
    ],
    [
      'resolved_reminders',
      sql`
      update notifications n
         set read_at = now()
        from resolved
       where n.user_id = resolved.user_id and n.dedupe_key = 'enter_rpe:' || resolved.activity_id and n.read_at is null`,
    ],
  ];
}

export interface RpeRequest {
  row: WorkingRow;
  /** False when the athlete turned pending-task notifications off. */
  notify: boolean;
  title: string;
  body: string;
}

/**
 * Opens an "enter RPE" task per activity and, for each task this statement actually created, its
 * notification; a redelivery creates neither twice.
 */
export function openRpeTasksCtes(requests: readonly RpeRequest[]): Cte[] {
  if (requests.length === 0) return [];
  return [
    [
      'task',
      sql`
      insert into pending_tasks (user_id, kind, activity_id)
      select user_id, 'enter_rpe', activity_id
        from unnest(${ids(requests.map((r) => r.row.user_id))}, ${ids(requests.map((r) => r.row.id))}) t (user_id, activity_id)
      on conflict (user_id, kind, activity_id) where status = 'open' do nothing
      returning id, user_id, activity_id`,
    ],
    [
      'task_reminders',
      sql`
      insert into notifications (user_id, kind, title, body, data, dedupe_key)
      select task.user_id, 'pending_task', n.title, n.body,
             jsonb_build_object('activityId', task.activity_id, 'taskId', task.id),
             'enter_rpe:' || task.activity_id
        from task
        join unnest(${ids(requests.map((r) => r.row.id))}, ${texts(requests.map((r) => r.title))}, ${texts(requests.map((r) => r.body))},
                    ${columnsOf(requests).boolean((r) => r.notify)}) n (activity_id, title, body, notify)
          on n.activity_id = task.activity_id
       where n.notify
      on conflict (user_id, dedupe_key) do nothing`,
    ],
  ];
}

export function storeRejectionsCtes(rejections: readonly Rejection[]): Cte[] {
  if (rejections.length === 0) return [];
  return [
    [
      'rejections_stored',
      sql`
      insert into ingest_rejections (user_id, vendor, external_id, reason, payload_summary)
      select * from unnest(${ids(rejections.map((r) => r.userId))}, ${texts(rejections.map((r) => r.vendor))},
                           ${texts(rejections.map((r) => r.externalId))}, ${texts(rejections.map((r) => r.reason))},
                           ${columnsOf(rejections).jsonb((r) => JSON.stringify(r.summary satisfies JsonObject))})
      on conflict (user_id, vendor, external_id) do update set
        reason = excluded.reason, payload_summary = excluded.payload_summary, created_at = now()`,
    ],
  ];
}

/** A vendor item accepted now makes its earlier rejection obsolete. */
export function clearRejectionsCtes(keys: readonly VendorKey[]): Cte[] {
  if (keys.length === 0) return [];
  return [
    [
      'rejections_cleared',
      sql`
      delete from ingest_rejections r
       using unnest(${ids(keys.map((k) => k.userId))}, ${texts(keys.map((k) => k.vendor))}, ${texts(keys.map((k) => k.externalId))}) k (user_id, vendor, external_id)
       where r.user_id = k.user_id and r.vendor = k.vendor and r.external_id = k.external_id`,
    ],
  ];
}

/** The outbox rows chosen by outboxRows (ids included, so nothing needs to come back). */
export function outboxCtes(columns: { id: string[]; detailType: string[]; detail: string[] }): Cte[] {
  if (columns.id.length === 0) return [];
  return [
    [
      'outbox',
      sql`
      insert into event_outbox (id, detail_type, detail)
      select * from unnest(${ids(columns.id)}, ${texts(columns.detailType)}, ${arrayOf('jsonb', columns.detail)})`,
    ],
  ];
}

// ---- reads for the API ----------------------------------------------------------------------------

type ActivityColumn = Exclude<(typeof columns.activities)[number], 'updated_at'>;

/** Every column the API and the service read: the schema's list, less the bookkeeping `updated_at`. */
export const activityColumns: readonly ActivityColumn[] = columns.activities.filter((c): c is ActivityColumn => c !== 'updated_at');

export function findActivity(db: Conn, userId: string, id: string): Promise<WorkingRow | undefined> {
  return db.selectFrom('activities').select(activityColumns).where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export function activitiesBetween(db: Conn, userId: string, from: string, to: string): Promise<WorkingRow[]> {
  return db
    .selectFrom('activities')
    .select(activityColumns)
    .where('user_id', '=', userId)
    .where('local_date', '>=', from)
    .where('local_date', '<=', to)
    .orderBy('start_time')
    .orderBy('id')
    .execute();
}
