// The activity service: every change to activities (the app's entries and edits, the vendors' deliveries)
// goes through applyActivityOps, in one transaction per batch, with the users' write locks held. It plans
// in memory (change-set.ts), writes set-based (store.ts), and records ActivityRecorded in the outbox for every
// change of counted load (or, for an offline batch, one per user from its earliest changed day); the events are
// published after commit.
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Activity, CreateActivityBody, ListActivitiesQuery, UpdateActivityBody } from '#shared/contracts/activities';
import type { Db } from '#shared/db/connection';
import type { Database } from '#shared/db/schema';
import { addDays, daysBetween, localDateOf } from '#shared/domain/dates';
import { DetailType, type OutgoingEvent } from '#shared/events/catalogue';
import { outboxRows, publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { InvalidInput, NotFound, Unauthenticated, Unprocessable } from '#shared/errors';
import { fieldError } from '#shared/field-errors';
import { workoutLinkCtes } from '#shared/adaptation/sweep';
import { type ActivityCandidate, type CandidateVerdict, validateCandidate } from '#shared/domain/activity-candidate';
import { toUtcInstant } from '#shared/domain/vendor-values';
import type { ActivityOp, OpResult, UserContext, WorkingRow } from './activity-ops';
import { type ActivityChangeSet, computeChangeSet, finishLoads, type LoadChange, loadChanges, taskChanges } from './change-set';
import {
  activitiesBetween,
  clearRejectionsCtes,
  type Cte,
  deleteActivitiesCtes,
  findActivity,
  loadHeartRates,
  loadWorkingRows,
  lockUsers,
  openRpeTasksCtes,
  outboxCtes,
  changeSetSamples,
  replaceSamplesCtes,
  resolveTasksCtes,
  sampleChunks,
  storeRejectionsCtes,
  writeActivitiesCtes,
  writeCtes,
} from './store';
import { homeChanged } from '#shared/home/cache';

export interface Applied {
  results: OpResult[];
  changeSet: ActivityChangeSet;
  enqueued: EnqueuedEvent[];
}

export interface ApplyOptions {
  now: Date;
  newId?: () => string;
  /**
   * One ActivityRecorded per user, from the earliest day any of its activities changed, instead of one per
   * activity. Consumers recompute from that day on whatever the event names (state-based), so an offline batch
   * of 500 entries costs one outbox row and one recompute, not 500.
   */
  eventPerUser?: boolean;
  /**
   * The users of the operations, read by the caller after it took their activity locks (`activities:<id>`, as
   * lockUsers does) in an earlier statement of this transaction: saves lockUsers' round trip. An operation of a
   * user not in it is answered unknown-user.
   */
  lockedUsers?: ReadonlyMap<string, UserContext>;
  /**
   * The caller's own writes that depend on what each operation did (POST /sync's stored answers): called once the
   * results are decided and before anything is written; its CTEs join the batch's one statement, last.
   */
  alsoWrite?: (results: readonly OpResult[]) => Promise<readonly Cte[]>;
}

/** Plans and writes the operations inside the caller's transaction. The caller publishes `enqueued` after commit. */
export async function applyActivityOps(trx: Transaction<Database>, ops: readonly ActivityOp[], options: ApplyOptions): Promise<Applied> {
  const users = options.lockedUsers ?? (await lockUsers(trx, [...new Set(ops.map((op) => op.userId))]));
  const known = ops.filter((op) => users.has(op.userId));
  // Validation before any cast: an implausible start (year 0, year 275760) must become a stored rejection,
  // not a "date/time field value out of range" from the neighbour lookup that redelivers until the DLQ.
  // The verdicts go to the change set too, so each candidate is checked once.
  const checked = new Map<ActivityOp, CandidateVerdict>();
  for (const op of known) if (op.kind === 'upsert') checked.set(op, validateCandidate(op.candidate, options.now));
  const implausible = new Set([...checked].filter(([, verdict]) => !verdict.ok).map(([op]) => op));
  const rows = known.length > 0 ? await loadWorkingRows(trx, known, implausible) : [];
  const changeSet = computeChangeSet({ ops, users, rows, now: options.now, newId: options.newId ?? randomUUID, checked });
  if (changeSet.trimpFromStoredSamples.size > 0) {
    const stored = await loadHeartRates(
      trx,
      [...changeSet.trimpFromStoredSamples].map((id) => changeSet.upserts.get(id)!),
    );
    finishLoads(changeSet, users, stored);
  }
  const changes = loadChanges(changeSet);
  // The outbox rows go into the batch's one write (their ids chosen here).
  const outbox = outboxRows((options.eventPerUser ? earliestPerUser(changes) : changes).map(activityRecorded));
  const also = options.alsoWrite ? await options.alsoWrite(changeSet.results) : [];
  await writeChangeSet(trx, changeSet, users, outbox.columns, also);
  return { results: changeSet.results, changeSet, enqueued: outbox.enqueued };
}

/** Each user's earliest load change (the first in batch order on a tie), in order of first appearance. */
function earliestPerUser(changes: readonly LoadChange[]): LoadChange[] {
  const earliest = new Map<string, LoadChange>();
  for (const change of changes) {
    const known = earliest.get(change.userId);
    if (!known || change.localDate < known.localDate) earliest.set(change.userId, change);
  }
  return [...earliest.values()];
}

/**
 * Every write of the batch in one statement (data-modifying CTEs; store.ts): the rows, the workouts they complete,
 * their samples, the deletes, the RPE tasks and reminders, the vendor verdicts, the outbox rows and the caller's
 * own (`also`). A part with nothing to do is left out, and a batch that changes nothing sends no statement.
 */
async function writeChangeSet(
  trx: Transaction<Database>,
  changeSet: ActivityChangeSet,
  users: ReadonlyMap<string, UserContext>,
  outbox: Parameters<typeof outboxCtes>[0],
  also: readonly Cte[],
): Promise<void> {
  const upserts = [...changeSet.upserts.values()];
  const tasks = taskChanges(changeSet);
  const row = (id: string) => changeSet.upserts.get(id)!;
  const [samples = [], ...moreSamples] = sampleChunks(changeSetSamples(changeSet));
  await writeCtes(trx, [
    ...writeActivitiesCtes(
      upserts.filter((r) => !changeSet.before.get(r.id)),
      upserts.filter((r) => changeSet.before.get(r.id)),
    ),
    // That day's planned workout is done as soon as the activity is recorded (the midnight sweep closes the rest);
    // a user without an active plan has none.
    ...(upserts.some((r) => users.get(r.user_id)?.has_active_plan) ? workoutLinkCtes(sql`select * from activity_rows`) : []),
    ...replaceSamplesCtes(samples),
    ...deleteActivitiesCtes([...changeSet.deletes].map((id) => changeSet.before.get(id)).filter((r): r is WorkingRow => !!r)),
    ...resolveTasksCtes(tasks.done.map(row), tasks.dismissed.map(row)),
    ...openRpeTasksCtes(tasks.open.map((r) => ({ row: r, notify: users.get(r.user_id)?.notification_preferences?.pending_task !== false, ...rpeReminder(r) }))),
    ...storeRejectionsCtes(changeSet.rejections),
    ...clearRejectionsCtes(changeSet.accepted),
    ...outboxCtes(outbox),
    ...also,
  ]);
  // More than a thousand activities' samples: the rest after the rows they point at (not in the bench, nor in a delivery).
  for (const chunk of moreSamples) await writeCtes(trx, replaceSamplesCtes(chunk));
}

function activityRecorded(change: LoadChange): OutgoingEvent<'ActivityRecorded'> {
  return { detailType: DetailType.ActivityRecorded, detail: change };
}

/** The notification asking for RPE. Only what the athlete needs to recognise the session. */
export function rpeReminder(row: WorkingRow): { title: string; body: string } {
  const what = row.type.replace('_', ' ');
  return {
    title: 'How hard was it?',
    body: `Rate the effort of your ${Math.round(row.duration_minutes)}-minute ${what} on ${row.local_date} (1-10) so it counts in your training load.`,
  };
}

// ---- transactions for one request -----------------------------------------------------------------

export interface ActivityDeps {
  db: Db;
  publisher: EventPublisher;
  now: Date;
}

async function run(deps: ActivityDeps, ops: ActivityOp[]): Promise<Applied> {
  const applied = await deps.db.transaction().execute((trx) => applyActivityOps(trx, ops, { now: deps.now }));
  await publishEnqueued(deps.db, deps.publisher, applied.enqueued);
  await homeChanged(...ops.map((op) => op.userId));
  return applied;
}

/** Seconds east of UTC of an ISO 8601 instant ('Z', '+02:00', '+0200'). */
function offsetSecondsOf(iso: string): number {
  const match = /([+-])(\d{2}):?(\d{2})?$/.exec(iso);
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

/** The app's entry as the candidate every source maps to, so it passes the same plausibility checks. */
export function manualCandidate(body: CreateActivityBody): ActivityCandidate {
  return {
    source: 'manual',
    externalId: body.externalId ?? null,
    type: body.type ?? 'run',
    startTime: toUtcInstant(Date.parse(body.startTime)),
    durationMinutes: body.durationMinutes,
    distanceMeters: body.distanceMeters ?? null,
    avgHr: body.avgHr ?? null,
    maxHr: body.maxHr ?? null,
    elevationGainMeters: body.elevationGainMeters ?? null,
    rpe: body.rpe ?? null,
    vendorLocalDate: body.startTime.slice(0, 10),
    utcOffsetSeconds: offsetSecondsOf(body.startTime),
    samples: [],
    deviceName: null,
  };
}

/** The app's entry (POST /activities, or an offline one through POST /sync) as an operation of the service. */
export function entryOp(userId: string, body: CreateActivityBody): ActivityOp {
  return {
    kind: 'upsert',
    userId,
    candidate: manualCandidate(body),
    origin: 'app',
    feeling: body.feeling,
    notes: body.notes,
    typeIsDefault: body.type === undefined,
  };
}

/** The field of the app's entry (POST /activities body) a plausibility verdict is about. */
export const entryField = (field: string) => (field === 'utcOffsetSeconds' ? 'startTime' : field);
const bodyField = (field: string) => `body.${entryField(field)}`;

function expectRow(applied: Applied, result: OpResult | undefined): WorkingRow {
  if (!result || result.kind === 'unknown-user') throw new Unauthenticated('The account no longer exists');
  if (result.kind === 'not-found' || result.kind === 'deleted') throw new NotFound('No such activity');
  if (result.kind === 'rejected') throw new Unprocessable([{ field: bodyField(result.field), message: result.reason }]);
  return applied.changeSet.rows.get(result.activityId)!;
}

/** POST /activities: created (201) or, for a known externalId, the same activity updated (200). */
export async function createActivity(deps: ActivityDeps, userId: string, body: CreateActivityBody): Promise<{ created: boolean; activity: Activity }> {
  const applied = await run(deps, [entryOp(userId, body)]);
  const result = applied.results[0];
  const row = expectRow(applied, result);
  return { created: result?.kind === 'created', activity: toActivity(row) };
}

/** PATCH /activities/{id}: RPE sets the internal load and closes the RPE task. */
export async function updateActivity(deps: ActivityDeps, userId: string, activityId: string, body: UpdateActivityBody): Promise<Activity> {
  const applied = await run(deps, [{ kind: 'patch', userId, activityId, set: body }]);
  return toActivity(expectRow(applied, applied.results[0]));
}

/** DELETE /activities/{id}. */
export async function deleteActivity(deps: ActivityDeps, userId: string, activityId: string): Promise<void> {
  const applied = await run(deps, [{ kind: 'delete', userId, activityId }]);
  if (applied.results[0]?.kind !== 'deleted') throw new NotFound('No such activity');
}

export async function getActivity(db: Db, userId: string, activityId: string): Promise<Activity> {
  const row = await findActivity(db, userId, activityId);
  if (!row) throw new NotFound('No such activity');
  return toActivity(row);
}

/** The longest range one request may ask for. */
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 28;

export async function listActivities(db: Db, userId: string, query: ListActivitiesQuery, now: Date): Promise<Activity[]> {
  let { from, to } = query;
  if (!to) {
    const user = await db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst();
    to = from ? addDays(from, DEFAULT_RANGE_DAYS - 1) : localDateOf(now, user?.time_zone ?? 'UTC');
  }
  from ??= addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (daysBetween(from, to) >= MAX_RANGE_DAYS) {
    throw new InvalidInput(`Ask for at most ${MAX_RANGE_DAYS} days at a time`, [fieldError('query.from', `must be at most ${MAX_RANGE_DAYS} days before to`)]);
  }
  return (await activitiesBetween(db, userId, from, to)).map(toActivity);
}

export function toActivity(row: WorkingRow): Activity {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    type: row.type,
    startTime: row.start_time.toISOString(),
    localDate: row.local_date,
    durationMinutes: row.duration_minutes,
    distanceMeters: row.distance_meters,
    avgHr: row.avg_hr,
    maxHr: row.max_hr,
    elevationGainMeters: row.elevation_gain_meters,
    rpe: row.rpe,
    feeling: row.feeling,
    notes: row.notes,
    internalLoad: row.internal_load,
    trimp: row.trimp,
    duplicateOf: row.duplicate_of,
    fieldSources: row.field_sources ?? {},
  };
}
