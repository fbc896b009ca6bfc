// The steps of a change set, each a pure function of the rows it is given: what a delivery or an edit
// makes of a row, which counted activity a delivery repeats, who inherits a deleted session, what a
// counted activity borrows from its duplicates, and the load it carries. None of them writes anything:
// the driver (change-set.ts) puts what they return into the working set.
import type { ActivityCandidate, ActivitySample } from '#shared/domain/activity-candidate';
import { keptValue, refinedRunTypeStands } from '#shared/domain/athlete-precedence';
import { isCrossSourceDuplicate } from '#shared/domain/cross-source-duplicates';
import { localDateOf } from '#shared/domain/dates';
import { sessionLoad } from '#shared/domain/load';
import { activityTrimp, type HeartRateSample } from '#shared/domain/trimp';
import type { PatchOp, UpsertOp, UserContext, WorkingRow } from './activity-ops';
import { probe, type WorkingSet } from './working-set';

// ---- rows from operations -------------------------------------------------------------------------

/**
 * The row a delivery describes, as it would stand on its own (counted: `duplicate_of` is decided by
 * duplicateOfDelivery). What the athlete said stays unless the athlete says otherwise (athlete-precedence).
 */
export function rowFromDelivery(op: UpsertOp, user: UserContext, existing: WorkingRow | undefined, id: string, now: Date): WorkingRow {
  const c = op.candidate;
  const athleteWins = op.origin === 'app';
  const keepStoredType = athleteWins ? op.typeIsDefault === true : refinedRunTypeStands(existing?.type ?? 'other', c.type);
  return {
    id,
    user_id: user.id,
    source: c.source,
    external_id: c.externalId,
    type: existing && keepStoredType ? existing.type : c.type,
    start_time: new Date(c.startTime),
    local_date: sessionLocalDate(c, user.time_zone),
    utc_offset_minutes: c.utcOffsetSeconds === null ? null : Math.round(c.utcOffsetSeconds / 60),
    duration_minutes: c.durationMinutes,
    distance_meters: c.distanceMeters,
    avg_hr: c.avgHr,
    max_hr: c.maxHr,
    elevation_gain_meters: c.elevationGainMeters,
    rpe: keptValue(c.rpe, existing?.rpe, athleteWins),
    feeling: keptValue(op.feeling, existing?.feeling, athleteWins),
    notes: keptValue(op.notes, existing?.notes, athleteWins),
    internal_load: null,
    trimp: null,
    duplicate_of: null,
    created_at: existing?.created_at ?? now,
    // A delivery states its own values; borrowed ones are worked out again (withBorrowedValues).
    field_sources: {},
  };
}

/**
 * Which counted activity a delivered row repeats, if any. An activity that already was a duplicate stays
 * one while it still matches (else it looks for another, or counts); a counted one stays counted.
 */
export function duplicateOfDelivery(row: WorkingRow, existing: WorkingRow | undefined, set: WorkingSet): string | null {
  const formerPrimary = existing?.duplicate_of ? set.get(existing.duplicate_of) : undefined;
  if (formerPrimary && !set.isDeleted(formerPrimary.id) && isCrossSourceDuplicate(probe(formerPrimary), probe(row))) return formerPrimary.id;
  if (!existing || existing.duplicate_of !== null) return set.countedCopyOf(row)?.id ?? null;
  return null;
}

/** The athlete's edit of a row: only the fields it names change. */
export function patchedRow(existing: WorkingRow, set: PatchOp['set']): WorkingRow {
  const row: WorkingRow = { ...existing };
  if (set.rpe !== undefined) row.rpe = set.rpe;
  if (set.feeling !== undefined) row.feeling = set.feeling;
  if (set.notes !== undefined) row.notes = set.notes;
  if (set.type !== undefined) row.type = set.type;
  return row;
}

// ---- one session, several copies ------------------------------------------------------------------

/** RPE delivered on a duplicate fills the counted copy's gap; the counted copy as it becomes, or nothing to change. */
export function countedCopyWithDeliveredRpe(row: WorkingRow, primary: WorkingRow | undefined): WorkingRow | undefined {
  if (row.duplicate_of === null || row.rpe === null) return undefined;
  return primary && primary.rpe === null ? { ...primary, rpe: row.rpe } : undefined;
}

/** The athlete rates the session, not one copy of it: an RPE set on a duplicate is the counted copy's too. */
export function countedCopyRatedThrough(row: WorkingRow, primary: WorkingRow | undefined, rpe: number | undefined): WorkingRow | undefined {
  if (rpe === undefined || row.duplicate_of === null) return undefined;
  return primary && primary.rpe !== rpe ? { ...primary, rpe } : undefined;
}

/**
 * A counted activity is deleted: its oldest duplicate becomes the counted copy and inherits what the
 * athlete said about the session; the other duplicates point at the heir. The rows as they become, heir first.
 */
export function promotion(deleted: WorkingRow, duplicatesOldestFirst: readonly WorkingRow[]): WorkingRow[] {
  const [heir, ...others] = duplicatesOldestFirst;
  if (!heir) return [];
  return [
    {
      ...heir,
      duplicate_of: null,
      rpe: heir.rpe ?? deleted.rpe,
      feeling: heir.feeling ?? deleted.feeling,
      notes: heir.notes ?? deleted.notes,
      type: refinedRunTypeStands(deleted.type, heir.type) ? deleted.type : heir.type,
    },
    ...others.map((other) => ({ ...other, duplicate_of: heir.id })),
  ];
}

/** Measurements a counted activity may take from its duplicates: column, and its name in the API. */
const BORROWABLE = [
  ['avg_hr', 'avgHr'],
  ['max_hr', 'maxHr'],
  ['distance_meters', 'distanceMeters'],
  ['elevation_gain_meters', 'elevationGainMeters'],
] as const;

/**
 * The counted activities whose borrowed values may have changed: those the batch wrote or deleted, and
 * those whose duplicates it wrote, deleted or moved away.
 */
export function countedActivitiesToRefill(set: Pick<WorkingSet, 'upserts' | 'deletes' | 'before'>): Set<string> {
  const affected = new Set<string>();
  for (const id of [...set.upserts.keys(), ...set.deletes]) {
    const r = set.upserts.get(id) ?? set.before.get(id);
    if (!r) continue;
    affected.add(r.duplicate_of ?? r.id);
    const was = set.before.get(id);
    if (was?.duplicate_of) affected.add(was.duplicate_of);
  }
  return affected;
}

/**
 * A counted activity takes each value it lacks (HR, distance, elevation) from its duplicates, the oldest
 * first, and records where it came from in field_sources. A value borrowed before is worked out again, so
 * it follows the duplicate's corrections, and goes when the duplicate goes. The row as it becomes, or
 * undefined when nothing changes.
 */
export function withBorrowedValues(counted: WorkingRow, duplicatesOldestFirst: readonly WorkingRow[]): WorkingRow | undefined {
  // Nothing to take and nothing taken before (most rows of a batch): nothing changes.
  if (duplicatesOldestFirst.length === 0 && Object.keys(counted.field_sources).length === 0) return undefined;
  const next: WorkingRow = { ...counted, field_sources: {} };
  for (const [column, field] of BORROWABLE) {
    const borrowed = counted.field_sources[field] !== undefined;
    if (!borrowed && counted[column] !== null) continue;
    const donor = duplicatesOldestFirst.find((d) => d[column] !== null);
    next[column] = donor ? donor[column] : null;
    if (donor) next.field_sources[field] = donor.id;
  }
  return sameRow(counted, next) && JSON.stringify(counted.field_sources) === JSON.stringify(next.field_sources) ? undefined : next;
}

// ---- load -----------------------------------------------------------------------------------------

export interface RowLoad {
  internalLoad: number | null;
  /** 'stored-samples': the TRIMP needs the samples already stored (finishLoads), which only the store can read. */
  trimp: number | null | 'stored-samples';
}

/**
 * What a written row counts for: nothing when it is a duplicate; else session-RPE load once there is an
 * RPE, and TRIMP from the samples delivered now, or unchanged when nothing it depends on changed.
 */
export function rowLoad(row: WorkingRow, before: WorkingRow | null, newSamples: readonly ActivitySample[] | undefined, user: UserContext): RowLoad {
  const internalLoad = row.duplicate_of === null && row.rpe !== null ? sessionLoad(row.duration_minutes, row.rpe) : null;
  if (row.duplicate_of !== null) return { internalLoad, trimp: null };
  if (newSamples) return { internalLoad, trimp: trimpOf(row, user, newSamples.map(toHeartRateSample)) };
  if (!before) return { internalLoad, trimp: trimpOf(row, user, []) };
  if (before.duplicate_of === null && before.duration_minutes === row.duration_minutes && before.avg_hr === row.avg_hr) {
    return { internalLoad, trimp: before.trimp };
  }
  return { internalLoad, trimp: 'stored-samples' };
}

export function trimpOf(row: WorkingRow, user: UserContext, samples: HeartRateSample[]): number | null {
  return activityTrimp(
    { durationMinutes: row.duration_minutes, avgHr: row.avg_hr, samples },
    { restingHr: user.resting_hr, maxHr: user.max_hr, sex: user.sex },
  );
}

const toHeartRateSample = (s: ActivitySample): HeartRateSample => ({ offsetS: s.offsetSeconds, hr: s.hr ?? null });

// ---- comparing ------------------------------------------------------------------------------------

/**
 * The athlete-local date of the start in the profile's zone (the issue: "local date in the user's zone").
 * An unusable stored zone falls back to the vendor's own local date, then to the UTC date.
 */
export function sessionLocalDate(c: ActivityCandidate, timeZone: string): string {
  try {
    return localDateOf(c.startTime, timeZone);
  } catch {
    return c.vendorLocalDate ?? c.startTime.slice(0, 10);
  }
}

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

/** Whether two states of a row differ in anything the athlete or the load could notice. */
export function sameRow(a: WorkingRow, b: WorkingRow): boolean {
  return a.start_time.getTime() === b.start_time.getTime() && compared.every((k) => a[k] === b[k]);
}
