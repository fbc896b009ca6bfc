// What a batch of activity changes does, decided in memory and without I/O: given the rows the changes
// can touch (loaded by store.ts in one query) and the changes in delivery order, the planner returns the
// rows to write, delete and reject. Order matters and is kept: an activity delivered twice in one batch is
// one row, and the Garmin and Strava copies of one run in one batch are one counted activity.
//
// Rules (ingestion issue):
// - Upsert on (user, source, external id); a manual entry without an external id is always new.
// - The same session from another source (start within 2 min, duration within 5 %) is a duplicate of the
//   counted one: kept and listed, carrying no load. RPE given on a duplicate fills the counted copy's gap.
// - Deleting the counted copy promotes its oldest duplicate, so the session is still counted once.
// - A vendor never overwrites what the athlete said: rpe, feeling and notes, and a refined run type.
import type { ActivityRow, ActivitySource, ActivityType, IngestVendor, NotificationPreferences, Sex } from '../db/schema';
import { localDateOf } from '../domain/dates';
import { sessionLoad } from '../domain/load';
import { activityTrimp, type HeartRateSample } from '../domain/trimp';
import { type ActivityCandidate, type ActivitySample, isCrossSourceDuplicate, validateCandidate } from '../vendors/activity';

export interface UserContext {
  id: string;
  time_zone: string;
  resting_hr: number | null;
  max_hr: number | null;
  sex: Sex;
  notification_preferences: NotificationPreferences;
}

export interface UpsertOp {
  kind: 'upsert';
  userId: string;
  candidate: ActivityCandidate;
  /** 'app': the athlete's own entry (its rpe/feeling/notes win); 'vendor': fills what the athlete left blank. */
  origin: 'app' | 'vendor';
  feeling?: number | null;
  notes?: string | null;
  /** The athlete gave no type (the candidate's is a default): an existing activity keeps its own. */
  typeIsDefault?: boolean;
}

export interface PatchOp {
  kind: 'patch';
  userId: string;
  activityId: string;
  set: { rpe?: number; feeling?: number | null; notes?: string | null; type?: ActivityType };
}

export type DeleteOp = { kind: 'delete'; userId: string } & ({ activityId: string } | { source: ActivitySource; externalId: string });

export type ActivityOp = UpsertOp | PatchOp | DeleteOp;

export type OpResult =
  | { kind: 'created' | 'updated' | 'unchanged'; activityId: string; duplicateOf: string | null }
  | { kind: 'deleted'; activityId: string }
  | { kind: 'not-found' }
  | { kind: 'unknown-user' }
  | { kind: 'rejected'; field: string; reason: string };

export interface Rejection {
  userId: string;
  vendor: IngestVendor;
  externalId: string | null;
  reason: string;
  /** No health data: which field, and what the athlete needs to recognise the activity. */
  summary: { field: string; type: ActivityType; startTime: string };
}

export interface VendorKey {
  userId: string;
  vendor: IngestVendor;
  externalId: string;
}

/** The rows a batch can touch; store.ts loads them, tests build them. */
export type WorkingRow = Omit<ActivityRow, 'updated_at'>;

export interface ActivityPlan {
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
  /** Every row the plan knows, in its final state (deleted ones excluded). */
  rows: Map<string, WorkingRow>;
}

export interface PlanInput {
  ops: readonly ActivityOp[];
  users: ReadonlyMap<string, UserContext>;
  rows: readonly WorkingRow[];
  now: Date;
  newId: () => string;
}

/** Types only the athlete gives (vendors say run, trail_run or treadmill): a vendor update keeps them. */
const refinedRunTypes: ReadonlySet<ActivityType> = new Set<ActivityType>(['long_run', 'interval', 'recovery', 'tempo', 'race']);
const vendorRunTypes: ReadonlySet<ActivityType> = new Set<ActivityType>(['run', 'trail_run', 'treadmill']);

export function planActivityChanges(input: PlanInput): ActivityPlan {
  const { users, now, newId } = input;
  const rows = new Map(input.rows.map((r) => [r.id, { ...r }]));
  const plan: ActivityPlan = {
    results: [],
    upserts: new Map(),
    before: new Map(),
    deletes: new Set(),
    samples: new Map(),
    trimpFromStoredSamples: new Set(),
    rejections: [],
    accepted: [],
    rows,
  };
  const original = new Map(input.rows.map((r) => [r.id, r]));

  // The ids of each vendor key (user, source, external id), in the order they entered `rows`: a row's key never
  // changes, so this index answers byKey without a scan of every row (a batch of 500 entries was 125,000 steps).
  const keyOf = (userId: string, source: ActivitySource, externalId: string | null) => `${userId}\u0000${source}\u0000${externalId}`;
  const idsByKey = new Map<string, string[]>();
  const index = (row: WorkingRow) => {
    if (row.external_id === null) return;
    const key = keyOf(row.user_id, row.source, row.external_id);
    const ids = idsByKey.get(key);
    if (ids) ids.push(row.id);
    else idsByKey.set(key, [row.id]);
  };
  for (const row of rows.values()) index(row);
  const touch = (row: WorkingRow) => {
    if (!plan.before.has(row.id)) plan.before.set(row.id, original.get(row.id) ?? null);
    if (!rows.has(row.id)) index(row);
    rows.set(row.id, row);
    plan.upserts.set(row.id, row);
  };
  const byKey = (userId: string, source: ActivitySource, externalId: string) => {
    for (const id of idsByKey.get(keyOf(userId, source, externalId)) ?? []) {
      const r = rows.get(id);
      if (r && !plan.deletes.has(r.id)) return r;
    }
    return undefined;
  };
  const owned = (userId: string, id: string) => {
    const r = rows.get(id);
    return r && r.user_id === userId && !plan.deletes.has(r.id) ? r : undefined;
  };
  /** The counted activity this one repeats, the nearest in start time. */
  const primaryFor = (row: WorkingRow) => {
    let best: WorkingRow | undefined;
    for (const r of rows.values()) {
      // Same source is never a duplicate: said before building the probes (a batch of 500 entries is 250,000 pairs).
      if (r.source === row.source || r.user_id !== row.user_id || r.id === row.id || r.duplicate_of !== null || plan.deletes.has(r.id)) continue;
      if (!isCrossSourceDuplicate(probe(r), probe(row))) continue;
      if (!best || gap(r, row) < gap(best, row)) best = r;
    }
    return best;
  };
  /** RPE given on any copy fills the counted copy's gap. */
  const shareRpe = (row: WorkingRow) => {
    if (row.duplicate_of === null || row.rpe === null) return;
    const primary = rows.get(row.duplicate_of);
    if (primary && primary.rpe === null) touch({ ...primary, rpe: row.rpe });
  };

  for (const op of input.ops) {
    const user = users.get(op.userId);
    if (!user) {
      plan.results.push({ kind: 'unknown-user' });
      continue;
    }

    if (op.kind === 'upsert') {
      const c = op.candidate;
      const verdict = validateCandidate(c, now);
      if (!verdict.ok) {
        plan.results.push({ kind: 'rejected', field: verdict.field, reason: verdict.reason });
        if (c.source !== 'manual') {
          // The last verdict on an item wins: a batch may carry a bad version after a good one.
          plan.accepted = plan.accepted.filter((k) => !sameItem(k, user.id, c.source, c.externalId));
          plan.rejections.push({
            userId: user.id,
            vendor: c.source,
            externalId: c.externalId,
            reason: verdict.reason,
            summary: { field: verdict.field, type: c.type, startTime: c.startTime },
          });
        }
        continue;
      }
      const existing = c.externalId === null ? undefined : byKey(user.id, c.source, c.externalId);
      const athleteWins = op.origin === 'app';
      // Absent and null alike keep what is stored: clearing a value is PATCH's job, not a retried POST's.
      const keep = <T>(incoming: T | null | undefined, stored: T | null | undefined): T | null =>
        athleteWins ? (incoming ?? stored ?? null) : (stored ?? incoming ?? null);
      const keepStoredType = athleteWins ? op.typeIsDefault === true : refinedRunTypes.has(existing?.type ?? 'other') && vendorRunTypes.has(c.type);
      const type = existing && keepStoredType ? existing.type : c.type;
      const start = new Date(c.startTime);
      const row: WorkingRow = {
        id: existing?.id ?? newId(),
        user_id: user.id,
        source: c.source,
        external_id: c.externalId,
        type,
        start_time: start,
        local_date: localDateFor(c, user.time_zone),
        utc_offset_minutes: c.utcOffsetSeconds === null ? null : Math.round(c.utcOffsetSeconds / 60),
        duration_minutes: c.durationMinutes,
        distance_meters: c.distanceMeters,
        avg_hr: c.avgHr,
        max_hr: c.maxHr,
        elevation_gain_meters: c.elevationGainMeters,
        rpe: keep(c.rpe, existing?.rpe),
        feeling: keep(op.feeling, existing?.feeling),
        notes: keep(op.notes, existing?.notes),
        internal_load: null,
        trimp: null,
        duplicate_of: null,
        created_at: existing?.created_at ?? now,
        // A delivery states its own values; borrowed ones are worked out again below (fillFromDuplicates).
        field_sources: {},
      };
      // An activity that already was a duplicate stays one while it still matches; a counted one stays counted.
      const stillDuplicate = existing?.duplicate_of ? rows.get(existing.duplicate_of) : undefined;
      if (stillDuplicate && !plan.deletes.has(stillDuplicate.id) && isCrossSourceDuplicate(probe(stillDuplicate), probe(row))) {
        row.duplicate_of = stillDuplicate.id;
      } else if (!existing || existing.duplicate_of !== null) {
        row.duplicate_of = primaryFor(row)?.id ?? null;
      }
      const changed = !existing || !sameRow(existing, row) || c.samples.length > 0;
      if (changed) touch(row);
      if (c.samples.length > 0) plan.samples.set(row.id, c.samples);
      shareRpe(row);
      if (c.source !== 'manual' && c.externalId !== null) {
        plan.rejections = plan.rejections.filter((k) => !sameItem(k, user.id, c.source, c.externalId));
        plan.accepted.push({ userId: user.id, vendor: c.source, externalId: c.externalId });
      }
      plan.results.push({ kind: !existing ? 'created' : changed ? 'updated' : 'unchanged', activityId: row.id, duplicateOf: row.duplicate_of });
      continue;
    }

    if (op.kind === 'patch') {
      const existing = owned(user.id, op.activityId);
      if (!existing) {
        plan.results.push({ kind: 'not-found' });
        continue;
      }
      const row: WorkingRow = { ...existing };
      if (op.set.rpe !== undefined) row.rpe = op.set.rpe;
      if (op.set.feeling !== undefined) row.feeling = op.set.feeling;
      if (op.set.notes !== undefined) row.notes = op.set.notes;
      if (op.set.type !== undefined) row.type = op.set.type;
      const changed = !sameRow(existing, row);
      if (changed) touch(row);
      // The athlete rates the session, not one copy of it.
      if (op.set.rpe !== undefined && row.duplicate_of !== null) {
        const primary = rows.get(row.duplicate_of);
        if (primary && primary.rpe !== op.set.rpe) touch({ ...primary, rpe: op.set.rpe });
      }
      plan.results.push({ kind: changed ? 'updated' : 'unchanged', activityId: row.id, duplicateOf: row.duplicate_of });
      continue;
    }

    const target = 'activityId' in op ? owned(user.id, op.activityId) : byKey(user.id, op.source, op.externalId);
    if (!target) {
      plan.results.push({ kind: 'not-found' });
      continue;
    }
    if (target.duplicate_of === null) promoteDuplicatesOf(target);
    if (!plan.before.has(target.id)) plan.before.set(target.id, original.get(target.id) ?? null);
    plan.upserts.delete(target.id);
    plan.samples.delete(target.id);
    plan.deletes.add(target.id);
    plan.results.push({ kind: 'deleted', activityId: target.id });
  }

  /** The oldest duplicate becomes the counted copy and inherits what the athlete said about the session. */
  function promoteDuplicatesOf(primary: WorkingRow) {
    const duplicates = [...rows.values()]
      .filter((r) => r.duplicate_of === primary.id && !plan.deletes.has(r.id))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
    const [heir, ...others] = duplicates;
    if (!heir) return;
    touch({
      ...heir,
      duplicate_of: null,
      rpe: heir.rpe ?? primary.rpe,
      feeling: heir.feeling ?? primary.feeling,
      notes: heir.notes ?? primary.notes,
      type: refinedRunTypes.has(primary.type) && vendorRunTypes.has(heir.type) ? primary.type : heir.type,
    });
    for (const other of others) touch({ ...other, duplicate_of: heir.id });
  }

  fillFromDuplicates();

  /**
   * A counted activity takes each value it lacks (HR, distance, elevation) from its duplicates, the oldest
   * first, and records where it came from in field_sources; a value borrowed before is worked out again, so
   * it follows the duplicate's corrections, and goes when the duplicate goes. Its TRIMP then follows below.
   */
  function fillFromDuplicates() {
    const affected = new Set<string>();
    for (const id of [...plan.upserts.keys(), ...plan.deletes]) {
      const r = plan.upserts.get(id) ?? plan.before.get(id);
      if (!r) continue;
      affected.add(r.duplicate_of ?? r.id);
      const was = plan.before.get(id);
      if (was?.duplicate_of) affected.add(was.duplicate_of);
    }
    // Each counted row's duplicates, gathered in one pass (touching a counted row below changes no duplicate).
    const duplicatesOf = new Map<string, WorkingRow[]>();
    for (const r of rows.values()) {
      if (r.duplicate_of === null || plan.deletes.has(r.id)) continue;
      const group = duplicatesOf.get(r.duplicate_of);
      if (group) group.push(r);
      else duplicatesOf.set(r.duplicate_of, [r]);
    }
    for (const id of affected) {
      const counted = rows.get(id);
      if (!counted || counted.duplicate_of !== null || plan.deletes.has(id)) continue;
      const duplicates = (duplicatesOf.get(id) ?? []).sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
      const next: WorkingRow = { ...counted, field_sources: {} };
      for (const [column, field] of BORROWABLE) {
        const borrowed = counted.field_sources[field] !== undefined;
        if (!borrowed && counted[column] !== null) continue;
        const donor = duplicates.find((d) => d[column] !== null);
        next[column] = donor ? donor[column] : null;
        if (donor) next.field_sources[field] = donor.id;
      }
      if (!sameRow(counted, next) || JSON.stringify(counted.field_sources) !== JSON.stringify(next.field_sources)) touch(next);
    }
  }

  for (const [id, row] of plan.upserts) {
    row.internal_load = row.duplicate_of === null && row.rpe !== null ? sessionLoad(row.duration_minutes, row.rpe) : null;
    const before = plan.before.get(id) ?? null;
    const newSamples = plan.samples.get(id);
    const user = users.get(row.user_id)!;
    if (row.duplicate_of !== null) row.trimp = null;
    else if (newSamples) row.trimp = trimpOf(row, user, newSamples.map(toHeartRateSample));
    else if (!before) row.trimp = trimpOf(row, user, []);
    else if (before.duplicate_of === null && before.duration_minutes === row.duration_minutes && before.avg_hr === row.avg_hr) row.trimp = before.trimp;
    else plan.trimpFromStoredSamples.add(id);
  }
  for (const id of plan.deletes) rows.delete(id);
  return plan;
}

/** TRIMP for the rows whose stored samples had to be read (trimpFromStoredSamples). */
export function finishLoads(plan: ActivityPlan, users: ReadonlyMap<string, UserContext>, storedHr: ReadonlyMap<string, HeartRateSample[]>): void {
  for (const id of plan.trimpFromStoredSamples) {
    const row = plan.upserts.get(id)!;
    row.trimp = trimpOf(row, users.get(row.user_id)!, storedHr.get(id) ?? []);
  }
}

function trimpOf(row: WorkingRow, user: UserContext, samples: HeartRateSample[]): number | null {
  return activityTrimp(
    { durationMinutes: row.duration_minutes, avgHr: row.avg_hr, samples },
    { restingHr: user.resting_hr, maxHr: user.max_hr, sex: user.sex },
  );
}

const toHeartRateSample = (s: ActivitySample): HeartRateSample => ({ offsetS: s.offsetSeconds, hr: s.hr ?? null });

/**
 * The athlete-local date of the start in the profile's zone (the issue: "local date in the user's zone").
 * An unusable stored zone falls back to the vendor's own local date, then to the UTC date.
 */
function localDateFor(c: ActivityCandidate, timeZone: string): string {
  try {
    return localDateOf(c.startTime, timeZone);
  } catch {
    return c.vendorLocalDate ?? c.startTime.slice(0, 10);
  }
}

const sameItem = (k: { userId: string; vendor: string; externalId: string | null }, userId: string, source: string, externalId: string | null) =>
  k.userId === userId && k.vendor === source && k.externalId === externalId;

/** Measurements a counted activity may take from its duplicates: column, and its name in the API. */
const BORROWABLE = [
  ['avg_hr', 'avgHr'],
  ['max_hr', 'maxHr'],
  ['distance_meters', 'distanceMeters'],
  ['elevation_gain_meters', 'elevationGainMeters'],
] as const;

const probe = (r: WorkingRow) => ({ source: r.source, startTime: r.start_time, durationMinutes: r.duration_minutes });
const gap = (a: WorkingRow, b: WorkingRow) => Math.abs(a.start_time.getTime() - b.start_time.getTime());

const compared = [
  'type',
  'local_date',
  'utc_offset_minutes',
  'duration_minutes',
  'distance_meters',
  'avg_hr',
  'max_hr',
  'elevation_gain_meters',
  'rpe',
  'feeling',
  'notes',
  'duplicate_of',
] as const satisfies readonly (keyof WorkingRow)[];

function sameRow(a: WorkingRow, b: WorkingRow): boolean {
  return a.start_time.getTime() === b.start_time.getTime() && compared.every((k) => a[k] === b[k]);
}

// ---- what a plan means for the athlete ------------------------------------------------------------

/** What rolling stats read from an activity; null when it counts for nothing. */
export function loadSignature(row: WorkingRow | null | undefined): string | null {
  if (!row || row.duplicate_of !== null || (row.internal_load === null && row.trimp === null)) return null;
  return JSON.stringify([row.local_date, row.internal_load, row.trimp]);
}

export interface LoadChange {
  userId: string;
  activityId: string;
  /** The earliest day whose load changed. */
  localDate: string;
  change: 'created' | 'updated' | 'deleted';
}

/** One change per activity whose counted load, or the day it counts on, changed. */
export function loadChanges(plan: ActivityPlan): LoadChange[] {
  const out: LoadChange[] = [];
  for (const [id, before] of plan.before) {
    const after = plan.deletes.has(id) ? null : (plan.upserts.get(id) ?? before);
    if (loadSignature(before) === loadSignature(after)) continue;
    const dates = [before, after].filter((r) => loadSignature(r) !== null).map((r) => r!.local_date);
    out.push({
      userId: (after ?? before)!.user_id,
      activityId: id,
      localDate: dates.sort()[0]!,
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

export function taskChanges(plan: ActivityPlan): TaskChanges {
  const changes: TaskChanges = { open: [], done: [], dismissed: [] };
  for (const [id, row] of plan.upserts) {
    const before = plan.before.get(id) ?? null;
    const counted = row.duplicate_of === null;
    if (counted && row.rpe === null && (!before || before.duplicate_of !== null)) changes.open.push(row);
    if (!before) continue;
    if (counted && row.rpe !== null && before.rpe === null) changes.done.push(id);
    if (!counted && before.duplicate_of === null) changes.dismissed.push(id);
  }
  return changes;
}
