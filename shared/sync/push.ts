// POST /api/v1/sync: a batch of the app's offline changes, applied through the same services as the single-item
// routes (activities: applyActivityOps; daily metrics: writeDailyMetrics; notifications; tasks; workouts), so validation,
// ownership, duplicates, RPE tasks and events are the same. Set-based: each kind of change is one call of its
// service for the whole batch, inside one transaction, so 500 activity entries cost 7 round trips (BEGIN, the
// locks, the stored answers with the change counter and the user (read while the mutations are checked), the rows
// the entries can touch, one write of the rows with the workouts they complete, the batch's one ActivityRecorded
// and the answers, COMMIT, and the outbox row's delete once published). A stored answer keeps only what its
// columns do not say (stored-answers.ts).
//
// Rules (README "Offline sync"):
// - Idempotent on clientMutationId: every answer is stored (sync_mutations, kept 35 days); a replay gets
//   `duplicate` with the first answer's status, id, reason and errors, and changes nothing. The user's sync lock
//   is taken before the stored answers are read, so two deliveries of one batch never both apply it.
// - One result per mutation, in order; a bad one is `rejected` with its fields, the others still apply.
// - Conflicts: the athlete's fields (RPE, feeling, notes, type, check-in values, a task dismissed, a workout
//   done or skipped) are last writer wins by clientTimestamp: a mutation older than one already applied to the
//   same entity is a `conflict` (reason stale) and changes nothing; the app then pulls the current state. Server
//   fields (load, TRIMP, duplicates, local date, readiness, rolling stats, alerts) are never taken from the app: no
//   mutation carries them. A change to something deleted on the server is a `conflict` (reason deleted): the delete wins.
//   A clientTimestamp ahead of the server's clock counts as now, so a wrong phone clock cannot win forever.
import { sql, type Transaction } from 'kysely';
import type { ActivityOp, OpResult, UserContext } from '#shared/activities/activity-ops';
import { type ApplyOptions, applyActivityOps, entryField, entryOp } from '#shared/activities/service';
import { type Cte, hasActivePlan, userContextColumns, writeCtes } from '#shared/activities/store';
import { dismissTasks } from '#shared/activities/tasks';
import { CreateActivityBody, UpdateActivityBody } from '#shared/contracts/activities';
import { LogDailyMetricsBody } from '#shared/contracts/metrics';
import type { MutationResult, PushResponse, SyncMutation } from '#shared/contracts/sync';
import * as z from 'zod';
import { arrayOf, columnsOf } from '#shared/db/array-literal';
import type { Db } from '#shared/db/connection';
import type { Database, JsonObject, SyncMutationStatus } from '#shared/db/schema';
import { publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import { homeChanged } from '#shared/home/cache';
import type { EventPublisher } from '#shared/events/publisher';
import type { FieldError } from '#shared/errors';
import { writeDailyMetrics } from '#shared/metrics/daily-metrics';
import { markNotificationsRead } from '#shared/notifications/inbox';
import { completeWorkouts, skipWorkouts, workoutStates } from '#shared/plans/workouts';
import { encodeCursor } from './feed';
import { answerDetail, type StoredAnswer, storedAnswer } from './stored-answers';

type Trx = Transaction<Database>;

export interface SyncDeps {
  db: Db;
  publisher: EventPublisher;
  now: Date;
  newId?: () => string;
}

/** What each entity accepts; anything else is rejected naming `op`. */
const allowedOps: Record<SyncMutation['entity'], readonly SyncMutation['op'][]> = {
  activity: ['upsert', 'delete'],
  dailyMetric: ['upsert'],
  notification: ['read'],
  task: ['complete', 'skip'],
  workout: ['complete', 'skip'],
};

const Uuid = z.uuid();
const TaskCompletion = z.strictObject({ rpe: z.number().int().min(1).max(10) });
/** The activity that did the workout, when the app knows it. */
const WorkoutCompletion = z.strictObject({ activityId: z.uuid().optional() });

/** One mutation on its way through the batch. */
interface Slot {
  index: number;
  m: SyncMutation;
  /** min(clientTimestamp, now). */
  at: Date;
  /** The entity the conflict rule compares on, when known before applying. */
  key?: string;
  result?: MutationResult;
}

/** A slot whose result is still to be decided by a service call. */
type Pending =
  | { kind: 'activity'; slot: Slot; op: ActivityOp }
  | { kind: 'taskComplete'; slot: Slot; rpe: number }
  | { kind: 'taskSkip'; slot: Slot }
  | { kind: 'dailyMetric'; slot: Slot; body: LogDailyMetricsBody }
  | { kind: 'notificationRead'; slot: Slot }
  | { kind: 'workoutComplete'; slot: Slot; activityId: string | null }
  | { kind: 'workoutSkip'; slot: Slot };

const field = (slot: Slot, ...path: (string | number)[]) => ['mutations', slot.index, ...path].join('.');
const done = (slot: Slot, result: Omit<MutationResult, 'clientMutationId'>) => {
  slot.result = { clientMutationId: slot.m.clientMutationId, ...result };
};
const rejected = (slot: Slot, reason: string, errors: FieldError[]) => done(slot, { status: 'rejected', reason, errors });

function zodErrors(slot: Slot, prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((p) => ({ field: field(slot, prefix, ...p.map(String)), message: issue.message }));
  });
}

/** The mutation's data as `schema` reads it; else the mutation is rejected, naming the fields. */
function parseData<T extends z.ZodType>(slot: Slot, schema: T): z.output<T> | undefined {
  const parsed = schema.safeParse(slot.m.data ?? {});
  if (parsed.success) return parsed.data;
  rejected(slot, 'invalid', zodErrors(slot, 'data', parsed.error));
  return undefined;
}

/** Checks one mutation's shape and turns it into the service call it needs; a bad one gets its result here. */
function plan(slot: Slot, userId: string): Pending | undefined {
  const { m } = slot;
  if (!allowedOps[m.entity].includes(m.op)) {
    rejected(slot, 'invalid', [{ field: field(slot, 'op'), message: `${m.entity} takes ${allowedOps[m.entity].join(' or ')}` }]);
    return undefined;
  }
  const needsId = !(m.entity === 'activity' && m.op === 'upsert') && m.entity !== 'dailyMetric';
  if (needsId || (m.entity === 'activity' && m.id !== undefined)) {
    if (!Uuid.safeParse(m.id).success) {
      rejected(slot, 'invalid', [{ field: field(slot, 'id'), message: m.id === undefined ? `${m.entity} ${m.op} needs the id` : 'must be a uuid' }]);
      return undefined;
    }
    slot.key = m.id;
  }

  switch (m.entity) {
    case 'activity': {
      if (m.op === 'delete') return { kind: 'activity', slot, op: { kind: 'delete', userId, activityId: m.id! } };
      if (m.id === undefined) {
        const body = parseData(slot, CreateActivityBody);
        return body && { kind: 'activity', slot, op: entryOp(userId, body) };
      }
      const set = parseData(slot, UpdateActivityBody);
      return set && { kind: 'activity', slot, op: { kind: 'patch', userId, activityId: m.id, set } };
    }
    case 'dailyMetric': {
      const body = parseData(slot, LogDailyMetricsBody);
      if (!body) return undefined;
      if (m.id !== undefined && m.id !== body.date) {
        rejected(slot, 'invalid', [{ field: field(slot, 'id'), message: 'must be the date of data' }]);
        return undefined;
      }
      slot.key = body.date;
      return { kind: 'dailyMetric', slot, body };
    }
    case 'notification':
      return { kind: 'notificationRead', slot };
    case 'task': {
      if (m.op === 'skip') return { kind: 'taskSkip', slot };
      const completion = parseData(slot, TaskCompletion);
      return completion && { kind: 'taskComplete', slot, rpe: completion.rpe };
    }
    case 'workout': {
      if (m.op === 'skip') return { kind: 'workoutSkip', slot };
      const completion = parseData(slot, WorkoutCompletion);
      return completion && { kind: 'workoutComplete', slot, activityId: completion.activityId ?? null };
    }
  }
}

// ---- the batch ------------------------------------------------------------------------------------

export async function pushMutations(deps: SyncDeps, userId: string, mutations: readonly SyncMutation[]): Promise<PushResponse> {
  const { db, now } = deps;
  const slots: Slot[] = mutations.map((m, index) => ({ index, m, at: new Date(Math.min(Date.parse(m.clientTimestamp), now.getTime())) }));

  const outcome = await db.transaction().execute(async (trx) => {
    // The sync lock orders deliveries of this user's batches; the services' own locks are taken here too, first
    // and in one order, so nothing below waits on a lock while holding the change counter.
    await sql`
      select pg_advisory_xact_lock(hashtextextended(${`sync:${userId}`}, 0)),
             pg_advisory_xact_lock(hashtextextended(${`activities:${userId}`}, 0)),
             pg_advisory_xact_lock(hashtextextended(${`daily_metrics:${userId}`}, 0))`.execute(trx);
    // Replays: the same id earlier in this batch, or an answer already stored. The stored answers are read with the
    // change counter in one statement, after the lock (a statement's snapshot is taken when it starts, so not in the
    // lock's), and while that statement runs the mutations are checked: the database and JavaScript work at once.
    const firstInBatch = new Map<string, Slot>();
    for (const slot of slots) {
      // The database spells a uuid in lower case; the app may not.
      const id = slot.m.clientMutationId.toLowerCase();
      if (!firstInBatch.has(id)) firstInBatch.set(id, slot);
    }
    const [{ since, first, user }, planned] = await Promise.all([
      readState(trx, userId, [...firstInBatch.keys()]),
      sent().then(() => new Map([...firstInBatch.values()].map((slot) => [slot, plan(slot, userId)]))),
    ]);
    const originals: Slot[] = [];
    for (const [id, slot] of firstInBatch) {
      const earlier = first.get(id);
      // A replay is answered as its first delivery was, whatever checking it again said.
      if (earlier) slot.result = duplicateOf(slot, earlier);
      else originals.push(slot);
    }

    const pending = originals.flatMap((slot) => planned.get(slot) ?? []);
    await refuseStale(trx, userId, pending);
    const live = pending.filter((p) => !p.slot.result);

    // When activities (and the RPE tasks they answer) are all the batch changes, its answers are written in the
    // activity service's statement, once it has decided each entry: one write for the batch. Else after the rest.
    const activitiesOnly = live.every((p) => p.kind === 'activity' || p.kind === 'taskComplete');
    let answers: Cte[] | undefined;
    const answerAll = () => (answers = answerCtes(userId, originals));
    const enqueued = await applyActivities(
      trx,
      userId,
      live,
      { now, newId: deps.newId, lockedUsers: new Map(user ? [[userId, user]] : []) },
      activitiesOnly ? answerAll : undefined,
    );
    enqueued.push(...(await applyDailyMetrics(trx, userId, live, now)));
    await applyNotificationReads(trx, userId, live, now);
    await applyTaskSkips(trx, userId, live, now);
    enqueued.push(...(await applyWorkouts(trx, userId, live)));
    if (!answers) await writeCtes(trx, answerAll());

    // A copy later in the same batch answers as a duplicate of the first.
    for (const slot of slots) {
      const id = slot.m.clientMutationId.toLowerCase();
      slot.result ??= duplicateOf(slot, first.get(id) ?? firstInBatch.get(id)!.result!);
    }
    return { since, enqueued };
  });

  await publishEnqueued(db, deps.publisher, outcome.enqueued);
  // An offline batch writes what the home screen shows (activities, check-ins, reads, workouts).
  if (slots.some((s) => s.result?.status === 'applied')) await homeChanged(userId);
  return { results: slots.map((s) => s.result!), cursor: encodeCursor(outcome.since) };
}

/** Lets the statement just started reach the database before the caller goes on with work of its own. */
const sent = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The user's latest change number (where what this batch causes begins), the answers already given to these ids,
 * and what the activity service needs of the user (read here, under the lock, to spare it a round trip).
 */
async function readState(trx: Trx, userId: string, ids: string[]): Promise<{ since: number; first: Map<string, StoredAnswer>; user?: UserContext }> {
  const { rows } = await sql<{ since: number; stored: Record<string, [SyncMutationStatus, string | null, JsonObject | null]>; user: UserContext | null }>`
    select coalesce((select seq from sync_counters where user_id = ${userId}), 0)::int8 as since,
           coalesce((select jsonb_object_agg(client_mutation_id, jsonb_build_array(status, entity_id, result_detail))
                       from sync_mutations
                      where user_id = ${userId} and client_mutation_id = any(${arrayOf('uuid', ids)})), '{}') as stored,
           (select to_jsonb(u) from (select ${sql.join(userContextColumns.map((c) => sql.ref(c)))}, ${hasActivePlan} as has_active_plan from users where id = ${userId}) u) as user`.execute(
    trx,
  );
  const row = rows[0]!;
  const first = new Map(Object.entries(row.stored).map(([id, [status, entityId, detail]]) => [id, storedAnswer(status, entityId, detail)]));
  return { since: Number(row.since), first, user: row.user ?? undefined };
}

function duplicateOf(slot: Slot, earlier: StoredAnswer | MutationResult): MutationResult {
  const { clientMutationId: _, status, ...rest } = earlier as MutationResult;
  return { clientMutationId: slot.m.clientMutationId, status: 'duplicate', firstStatus: status as StoredAnswer['status'], ...rest };
}

/** Last writer wins by clientTimestamp: older than an applied mutation of the same entity (stored or earlier in the batch) loses. */
async function refuseStale(trx: Trx, userId: string, pending: Pending[]): Promise<void> {
  const keyed = pending.filter((p) => p.slot.key !== undefined && p.kind !== 'notificationRead');
  if (keyed.length === 0) return;
  const entities = keyed.map((p) => p.slot.m.entity);
  const keys = keyed.map((p) => p.slot.key!);
  const { rows } = await sql<{ entity: string; entity_id: string; latest: Date }>`
    select m.entity, m.entity_id, max(m.client_timestamp) as latest
      from sync_mutations m
      join unnest(${arrayOf('text', entities)}, ${arrayOf('text', keys)}) k (entity, entity_id) on m.entity = k.entity and m.entity_id = k.entity_id
     where m.user_id = ${userId} and m.status = 'applied'
     group by m.entity, m.entity_id`.execute(trx);
  const latest = new Map(rows.map((r) => [`${r.entity}:${r.entity_id}`, new Date(r.latest).getTime()]));
  for (const p of keyed) {
    const k = `${p.slot.m.entity}:${p.slot.key}`;
    const newest = latest.get(k);
    if (newest !== undefined && p.slot.at.getTime() < newest) {
      done(p.slot, { status: 'conflict', reason: 'stale', id: p.slot.key });
      continue;
    }
    latest.set(k, Math.max(newest ?? 0, p.slot.at.getTime()));
  }
}

/** Entities deleted on the server (their tombstones), to tell "deleted" from "never yours". */
async function tombstoned(trx: Trx, userId: string, entity: 'activity' | 'task' | 'notification' | 'workout', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .selectFrom('sync_changes')
    .select('entity_id')
    .where('user_id', '=', userId)
    .where('entity', '=', entity)
    .where('op', '=', 'delete')
    .where('entity_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.entity_id));
}

function gone(slot: Slot, deleted: Set<string>, what: string): void {
  if (deleted.has(slot.key!)) done(slot, { status: 'conflict', reason: 'deleted', id: slot.key });
  else rejected(slot, 'not_found', [{ field: field(slot, 'id'), message: `no such ${what}` }]);
}

// ---- activities and RPE tasks: one applyActivityOps for the batch --------------------------------

/**
 * Applies the activity and task-completion mutations and answers them; `alsoWrite` adds its CTEs to the service's
 * write once they are answered. Returns their events, in the outbox.
 */
async function applyActivities(
  trx: Trx,
  userId: string,
  live: Pending[],
  options: Omit<ApplyOptions, 'eventPerUser' | 'alsoWrite'>,
  alsoWrite?: () => readonly Cte[],
): Promise<EnqueuedEvent[]> {
  const completions = live.filter((p): p is Extract<Pending, { kind: 'taskComplete' }> => p.kind === 'taskComplete');
  const tasks = await openTasks(
    trx,
    userId,
    completions.map((p) => p.slot.key!),
  );
  const work: { slot: Slot; op: ActivityOp; task?: string }[] = [];
  const deletedTasks = await tombstoned(
    trx,
    userId,
    'task',
    completions.filter((p) => !tasks.has(p.slot.key!)).map((p) => p.slot.key!),
  );
  for (const p of live) {
    if (p.kind === 'activity') work.push({ slot: p.slot, op: p.op });
    if (p.kind !== 'taskComplete') continue;
    const task = tasks.get(p.slot.key!);
    if (!task) gone(p.slot, deletedTasks, 'task');
    else if (task.status !== 'open' || !task.activity_id) done(p.slot, { status: 'conflict', reason: 'closed', id: p.slot.key });
    // Answering the task is rating its activity: the service sets the load and closes the task.
    else work.push({ slot: p.slot, op: { kind: 'patch', userId, activityId: task.activity_id, set: { rpe: p.rpe } }, task: p.slot.key });
  }
  if (work.length === 0) return [];

  // One ActivityRecorded for the batch (from its earliest changed day): the load worker recomputes once.
  const applied = await applyActivityOps(
    trx,
    work.map((w) => w.op),
    {
      ...options,
      eventPerUser: true,
      alsoWrite: async (results) => {
        const missing = work.filter((_, i) => results[i]?.kind === 'not-found').map((w) => w.slot.key!);
        const deleted = await tombstoned(trx, userId, 'activity', missing);
        work.forEach((w, i) => answerActivity(w.slot, results[i], deleted, w.task));
        return alsoWrite?.() ?? [];
      },
    },
  );
  return applied.enqueued;
}

function answerActivity(slot: Slot, result: OpResult | undefined, deleted: Set<string>, task?: string): void {
  switch (result?.kind) {
    case 'created':
    case 'updated':
    case 'unchanged':
    case 'deleted':
      slot.key = task ?? result.activityId;
      done(slot, { status: 'applied', id: slot.key });
      return;
    case 'not-found':
      gone(slot, deleted, 'activity');
      return;
    case 'rejected':
      rejected(slot, 'invalid', [{ field: field(slot, 'data', entryField(result.field)), message: result.reason }]);
      return;
    default:
      rejected(slot, 'invalid', [{ field: field(slot, 'entity'), message: 'could not be applied' }]);
  }
}

async function openTasks(trx: Trx, userId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, { status: string; activity_id: string | null }>();
  const rows = await trx.selectFrom('pending_tasks').select(['id', 'status', 'activity_id']).where('user_id', '=', userId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

// ---- daily metrics: one writeDailyMetrics for the batch ------------------------------------------

async function applyDailyMetrics(trx: Trx, userId: string, live: Pending[], now: Date): Promise<EnqueuedEvent[]> {
  const days = live.filter((p): p is Extract<Pending, { kind: 'dailyMetric' }> => p.kind === 'dailyMetric');
  if (days.length === 0) return [];
  const write = await writeDailyMetrics(
    trx,
    userId,
    days.map((d) => d.body),
    now,
  );
  const future = new Set(write.future);
  days.forEach((d, i) => {
    if (future.has(i)) rejected(d.slot, 'invalid', [{ field: field(d.slot, 'data', 'date'), message: `must not be after your local today (${write.today})` }]);
    else done(d.slot, { status: 'applied', id: d.body.date });
  });
  return write.enqueued;
}

// ---- notifications and task dismissals: one statement each ---------------------------------------

async function applyNotificationReads(trx: Trx, userId: string, live: Pending[], now: Date): Promise<void> {
  const reads = live.filter((p) => p.kind === 'notificationRead');
  if (reads.length === 0) return;
  const found = new Set(
    await markNotificationsRead(
      trx,
      userId,
      reads.map((p) => p.slot.key!),
      now,
    ),
  );
  const deleted = await tombstoned(
    trx,
    userId,
    'notification',
    reads.filter((p) => !found.has(p.slot.key!)).map((p) => p.slot.key!),
  );
  for (const p of reads) {
    if (found.has(p.slot.key!)) done(p.slot, { status: 'applied', id: p.slot.key });
    else gone(p.slot, deleted, 'notification');
  }
}

async function applyTaskSkips(trx: Trx, userId: string, live: Pending[], now: Date): Promise<void> {
  const skips = live.filter((p) => p.kind === 'taskSkip');
  if (skips.length === 0) return;
  const dismissed = new Set(
    await dismissTasks(
      trx,
      userId,
      skips.map((p) => p.slot.key!),
      now,
    ),
  );
  const rest = skips.filter((p) => !dismissed.has(p.slot.key!)).map((p) => p.slot.key!);
  const existing = await openTasks(trx, userId, rest);
  const deleted = await tombstoned(
    trx,
    userId,
    'task',
    rest.filter((id) => !existing.has(id)),
  );
  for (const p of skips) {
    if (dismissed.has(p.slot.key!)) done(p.slot, { status: 'applied', id: p.slot.key });
    else if (existing.has(p.slot.key!)) done(p.slot, { status: 'conflict', reason: 'closed', id: p.slot.key });
    else gone(p.slot, deleted, 'task');
  }
}

// ---- workouts: done or skipped, one statement each ----------------------------------------------

async function applyWorkouts(trx: Trx, userId: string, live: Pending[]): Promise<EnqueuedEvent[]> {
  const items = live.filter(
    (p): p is Extract<Pending, { kind: 'workoutComplete' | 'workoutSkip' }> => p.kind === 'workoutComplete' || p.kind === 'workoutSkip',
  );
  if (items.length === 0) return [];
  const states = await workoutStates(
    trx,
    userId,
    items.map((p) => p.slot.key!),
  );
  const deleted = await tombstoned(
    trx,
    userId,
    'workout',
    items.filter((p) => !states.has(p.slot.key!)).map((p) => p.slot.key!),
  );
  const named = items.flatMap((p) => (p.kind === 'workoutComplete' && p.activityId ? [p.activityId] : []));
  const activities = await activityUse(trx, userId, named);

  const toSkip: Pending[] = [];
  const toComplete: { p: Pending; activityId: string | null }[] = [];
  for (const p of items) {
    const w = states.get(p.slot.key!);
    if (!w) gone(p.slot, deleted, 'workout');
    // A workout a new plan version replaced is gone for the app too.
    else if (w.removed) done(p.slot, { status: 'conflict', reason: 'deleted', id: w.id });
    else if (p.kind === 'workoutSkip') {
      if (w.state === 'skipped') done(p.slot, { status: 'applied', id: w.id });
      else if (w.state === 'completed') done(p.slot, { status: 'conflict', reason: 'closed', id: w.id });
      else {
        toSkip.push(p);
        // Later mutations of this batch see it skipped.
        w.state = 'skipped';
      }
    } else if (w.state === 'completed' && (p.activityId === null || p.activityId === w.completedActivityId)) done(p.slot, { status: 'applied', id: w.id });
    else if (w.state === 'completed') done(p.slot, { status: 'conflict', reason: 'closed', id: w.id });
    else if (p.activityId === null) {
      toComplete.push({ p, activityId: null });
      w.state = 'completed';
    } else if (!activities.has(p.activityId)) rejected(p.slot, 'not_found', [{ field: field(p.slot, 'data', 'activityId'), message: 'no such activity' }]);
    // One activity completes at most one workout.
    else if (activities.get(p.activityId) !== null) done(p.slot, { status: 'conflict', reason: 'closed', id: w.id });
    else {
      activities.set(p.activityId, w.id);
      toComplete.push({ p, activityId: p.activityId });
      Object.assign(w, { state: 'completed', completedActivityId: p.activityId });
    }
  }
  const { enqueued } = await skipWorkouts(
    trx,
    userId,
    toSkip.map((p) => p.slot.key!),
  );
  await completeWorkouts(
    trx,
    userId,
    toComplete.map(({ p, activityId }) => ({ id: p.slot.key!, activityId })),
  );
  for (const p of [...toSkip, ...toComplete.map((c) => c.p)]) done(p.slot, { status: 'applied', id: p.slot.key });
  return enqueued;
}

/** The user's activities among these, each with the workout it already completes (null: free). */
async function activityUse(trx: Trx, userId: string, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('activities as a')
    .leftJoin('scheduled_workouts as w', (join) => join.onRef('w.user_id', '=', 'a.user_id').onRef('w.completed_activity_id', '=', 'a.id'))
    .select(['a.id', 'w.id as workout_id'])
    .where('a.user_id', '=', userId)
    .where('a.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.workout_id]));
}

// ---- answers --------------------------------------------------------------------------------------

/** Stores every mutation's answer (CTE `sync_answers`); all must be answered by now. */
function answerCtes(userId: string, slots: Slot[]): Cte[] {
  const unanswered = slots.find((s) => !s.result);
  if (unanswered) throw new Error(`mutation ${unanswered.index} was not answered`);
  if (slots.length === 0) return [];
  // One array per column (unnest): far cheaper to send and plan than 8 parameters per row. No ON CONFLICT: under the
  // sync lock, stored answers were read and copies within the batch set aside, so every id here is new.
  const c = columnsOf(slots);
  return [
    [
      'sync_answers',
      sql`
      insert into sync_mutations (user_id, client_mutation_id, entity, op, entity_id, status, result_detail, client_timestamp)
      select ${userId}, m.*
        from unnest(${c.uuid((s) => s.m.clientMutationId)}, ${c.text((s) => s.m.entity)}, ${c.text((s) => s.m.op)}, ${c.text((s) => s.key ?? null)},
                    ${c.text((s) => s.result!.status)}, ${c.jsonb(detailText)}, ${c.timestamptz((s) => s.at.toISOString())})
          as m (client_mutation_id, entity, op, entity_id, status, result_detail, client_timestamp)`,
    ],
  ];
}

/** What the answer says beyond its row's columns, as jsonb text (null for the plain applied answer). */
function detailText(slot: Slot): string | null {
  const detail = answerDetail(slot.result!, slot.key ?? null);
  return detail && JSON.stringify(detail);
}

/** Answers are kept 35 days (the promise is 30): a phone offline longer than that re-sends as new. */
export const RESULT_RETENTION_DAYS = 35;

export async function pruneSyncResults(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('sync_mutations')
    .where('created_at', '<', new Date(now.getTime() - RESULT_RETENTION_DAYS * 86_400_000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
