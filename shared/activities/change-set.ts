// What a batch of activity changes does, decided in memory and without I/O: given the rows the changes
// can touch (loaded by store.ts in one query) and the changes in delivery order, the change set holds the
// rows to write, delete and reject. Order matters and is kept: an activity delivered twice in one batch is
// one row, and the Garmin and Strava copies of one run in one batch are one counted activity.
//
// Rules (ingestion issue):
// - Upsert on (user, source, external id); a manual entry without an external id is always new.
// - The same session from another source (start within 2 min, duration within 5 %) is a duplicate of the
//   counted one: kept and listed, carrying no load. RPE given on a duplicate fills the counted copy's gap.
// - Deleting the counted copy promotes its oldest duplicate, so the session is still counted once.
// - A vendor never overwrites what the athlete said: rpe, feeling and notes, and a refined run type.
//
// The steps are pure functions (change-steps.ts); the rows they work on live in one working set
// (working-set.ts), which only this driver writes to.
import { type ActivitySample, type CandidateVerdict, validateCandidate } from '#shared/domain/activity-candidate';
import type { HeartRateSample } from '#shared/domain/trimp';
import type { ActivityOp, DeleteOp, OpResult, PatchOp, Rejection, UpsertOp, UserContext, VendorKey, WorkingRow } from './activity-ops';
import {
  countedActivitiesToRefill,
  countedCopyRatedThrough,
  countedCopyWithDeliveredRpe,
  duplicateOfDelivery,
  patchedRow,
  promotion,
  rowFromDelivery,
  rowLoad,
  sameRow,
  trimpOf,
  withBorrowedValues,
} from './change-steps';
import { WorkingSet } from './working-set';

export interface ActivityChangeSet {
  results: OpResult[];
  /** Final state of every row to insert or update, by id. */
  upserts: Map<string, WorkingRow>;
  /** State before the batch of every row in `upserts` or `deletes` (null: new). */
  before: Map<string, WorkingRow | null>;
  deletes: Set<string>;
  /** Rows whose samples are replaced by these (a delivery without samples keeps the stored ones). */
  samples: Map<string, ActivitySample[]>;
  /** Rows whose TRIMP must be recomputed from their stored samples (see finishLoads). */
  trimpFromStoredSamples: Set<string>;
  rejections: Rejection[];
  /** Vendor items accepted: an earlier rejection of the same item is obsolete. */
  accepted: VendorKey[];
  /** Every row the change set knows, in its final state (deleted ones excluded). */
  rows: Map<string, WorkingRow>;
}

export interface ChangeSetInput {
  ops: readonly ActivityOp[];
  users: ReadonlyMap<string, UserContext>;
  rows: readonly WorkingRow[];
  now: Date;
  newId: () => string;
  /** validateCandidate's verdict on upserts already checked by the caller (at `now`): not checked twice. */
  checked?: ReadonlyMap<ActivityOp, CandidateVerdict>;
}

export function computeChangeSet(input: ChangeSetInput): ActivityChangeSet {
  const { users, now, newId } = input;
  const set = new WorkingSet(input.rows);
  const verdicts = new VendorVerdicts();
  const results: OpResult[] = [];
  for (const op of input.ops) {
    const user = users.get(op.userId);
    if (!user) results.push({ kind: 'unknown-user' });
    else if (op.kind === 'upsert') results.push(deliver(set, verdicts, op, user, input.checked?.get(op) ?? validateCandidate(op.candidate, now), now, newId));
    else if (op.kind === 'patch') results.push(edit(set, op, user));
    else results.push(remove(set, op, user));
  }
  // Each counted row's duplicates, gathered once: refilling a counted row changes no duplicate.
  const duplicates = set.duplicateGroups();
  for (const id of countedActivitiesToRefill(set)) {
    const counted = set.get(id);
    if (!counted || counted.duplicate_of !== null || set.isDeleted(id)) continue;
    const refilled = withBorrowedValues(counted, duplicates.get(id) ?? []);
    if (refilled) set.put(refilled);
  }
  const trimpFromStoredSamples = new Set<string>();
  for (const [id, row] of set.upserts) {
    const load = rowLoad(row, set.before.get(id) ?? null, set.samples.get(id), users.get(row.user_id)!);
    row.internal_load = load.internalLoad;
    if (load.trimp === 'stored-samples') trimpFromStoredSamples.add(id);
    else row.trimp = load.trimp;
  }
  set.dropDeleted();
  return {
    results,
    upserts: set.upserts,
    before: set.before,
    deletes: set.deletes,
    samples: set.samples,
    trimpFromStoredSamples,
    rejections: verdicts.rejections,
    accepted: verdicts.accepted,
    rows: set.rows,
  };
}

function deliver(
  set: WorkingSet,
  verdicts: VendorVerdicts,
  op: UpsertOp,
  user: UserContext,
  verdict: CandidateVerdict,
  now: Date,
  newId: () => string,
): OpResult {
  const c = op.candidate;
  if (!verdict.ok) {
    if (c.source !== 'manual') {
      verdicts.reject({
        userId: user.id,
        vendor: c.source,
        externalId: c.externalId,
        reason: verdict.reason,
        summary: { field: verdict.field, type: c.type, startTime: c.startTime },
      });
    }
    return { kind: 'rejected', field: verdict.field, reason: verdict.reason };
  }
  const existing = c.externalId === null ? undefined : set.byKey(user.id, c.source, c.externalId);
  // The row as it would stand on its own, then whether it repeats a counted activity.
  const row = rowFromDelivery(op, user, existing, existing?.id ?? newId(), now);
  row.duplicate_of = duplicateOfDelivery(row, existing, set);
  const changed = !existing || !sameRow(existing, row) || c.samples.length > 0;
  if (changed) set.put(row);
  if (c.samples.length > 0) set.replaceSamples(row.id, c.samples);
  const primary = countedCopyWithDeliveredRpe(row, row.duplicate_of === null ? undefined : set.get(row.duplicate_of));
  if (primary) set.put(primary);
  if (c.source !== 'manual' && c.externalId !== null) verdicts.accept({ userId: user.id, vendor: c.source, externalId: c.externalId });
  return { kind: !existing ? 'created' : changed ? 'updated' : 'unchanged', activityId: row.id, duplicateOf: row.duplicate_of };
}

function edit(set: WorkingSet, op: PatchOp, user: UserContext): OpResult {
  const existing = set.owned(user.id, op.activityId);
  if (!existing) return { kind: 'not-found' };
  const row = patchedRow(existing, op.set);
  const changed = !sameRow(existing, row);
  if (changed) set.put(row);
  const primary = countedCopyRatedThrough(row, row.duplicate_of === null ? undefined : set.get(row.duplicate_of), op.set.rpe);
  if (primary) set.put(primary);
  return { kind: changed ? 'updated' : 'unchanged', activityId: row.id, duplicateOf: row.duplicate_of };
}

function remove(set: WorkingSet, op: DeleteOp, user: UserContext): OpResult {
  const target = 'activityId' in op ? set.owned(user.id, op.activityId) : set.byKey(user.id, op.source, op.externalId);
  if (!target) return { kind: 'not-found' };
  if (target.duplicate_of === null) for (const row of promotion(target, set.duplicatesOf(target.id))) set.put(row);
  set.delete(target.id);
  return { kind: 'deleted', activityId: target.id };
}

/** The last verdict on a vendor item wins: a batch may carry a bad version after a good one, or the reverse. */
class VendorVerdicts {
  rejections: Rejection[] = [];
  accepted: VendorKey[] = [];

  reject(rejection: Rejection): void {
    this.accepted = this.accepted.filter((k) => !sameItem(k, rejection));
    this.rejections.push(rejection);
  }

  accept(key: VendorKey): void {
    this.rejections = this.rejections.filter((k) => !sameItem(k, key));
    this.accepted.push(key);
  }
}

type ItemKey = Pick<Rejection, 'userId' | 'vendor' | 'externalId'>;
const sameItem = (a: ItemKey, b: ItemKey) => a.userId === b.userId && a.vendor === b.vendor && a.externalId === b.externalId;

/** TRIMP for the rows whose stored samples had to be read (trimpFromStoredSamples). */
export function finishLoads(changes: ActivityChangeSet, users: ReadonlyMap<string, UserContext>, storedHr: ReadonlyMap<string, HeartRateSample[]>): void {
  for (const id of changes.trimpFromStoredSamples) {
    const row = changes.upserts.get(id)!;
    row.trimp = trimpOf(row, users.get(row.user_id)!, storedHr.get(id) ?? []);
  }
}

// ---- what a change set means for the athlete ------------------------------------------------------

/** Whether an activity counts in the rolling stats: the counted copy of a session, carrying a load. */
const counts = (row: WorkingRow | null | undefined): row is WorkingRow =>
  !!row && row.duplicate_of === null && (row.internal_load !== null || row.trimp !== null);

/** Whether two states of an activity count the same in the rolling stats (day, load and TRIMP), or both not at all. */
export function sameLoad(a: WorkingRow | null | undefined, b: WorkingRow | null | undefined): boolean {
  if (!counts(a) || !counts(b)) return counts(a) === counts(b);
  return a.local_date === b.local_date && a.internal_load === b.internal_load && a.trimp === b.trimp;
}

export interface LoadChange {
  userId: string;
  activityId: string;
  /** The earliest day whose load changed. */
  localDate: string;
  change: 'created' | 'updated' | 'deleted';
}

/** One change per activity whose counted load, or the day it counts on, changed. */
export function loadChanges(changes: ActivityChangeSet): LoadChange[] {
  const out: LoadChange[] = [];
  for (const [id, before] of changes.before) {
    const after = changes.deletes.has(id) ? null : (changes.upserts.get(id) ?? before);
    if (sameLoad(before, after)) continue;
    // The earlier of the days it counted on and counts on now (at least one of them counts).
    const localDate = !counts(before) ? after!.local_date : !counts(after) || before.local_date < after.local_date ? before.local_date : after.local_date;
    out.push({
      userId: (after ?? before)!.user_id,
      activityId: id,
      localDate,
      change: !before ? 'created' : !after ? 'deleted' : 'updated',
    });
  }
  return out;
}

export interface TaskChanges {
  /** Counted activities still without RPE: ask the athlete (idempotent). */
  open: WorkingRow[];
  /** RPE arrived: the task is done. */
  done: string[];
  /** Became a duplicate: the counted copy's task is the one to answer. */
  dismissed: string[];
}

export function taskChanges(changes: ActivityChangeSet): TaskChanges {
  const out: TaskChanges = { open: [], done: [], dismissed: [] };
  for (const [id, row] of changes.upserts) {
    const before = changes.before.get(id) ?? null;
    const counted = row.duplicate_of === null;
    if (counted && row.rpe === null && (!before || before.duplicate_of !== null)) out.open.push(row);
    if (!before) continue;
    if (counted && row.rpe !== null && before.rpe === null) out.done.push(id);
    if (!counted && before.duplicate_of === null) out.dismissed.push(id);
  }
  return out;
}
