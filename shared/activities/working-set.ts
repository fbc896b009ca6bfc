// The rows one batch of activity changes can touch, as the batch changes them: the one mutable part of
// computing a change set. The steps (change-steps.ts) read it and hand back rows; only the driver
// (change-set.ts) writes to it, in the order of the operations, so the last word on a row is the last
// operation's.
import type { ActivitySource } from '#shared/db/schema';
import type { ActivitySample } from '#shared/domain/activity-candidate';
import { isCrossSourceDuplicate } from '#shared/domain/cross-source-duplicates';
import type { WorkingRow } from './activity-ops';

export class WorkingSet {
  /** Every row the batch knows, in its current state; deleted ones until `dropDeleted`. */
  readonly rows: Map<string, WorkingRow>;
  /** Final state of every row to insert or update, by id. */
  readonly upserts = new Map<string, WorkingRow>();
  /** State before the batch of every row in `upserts` or `deletes` (null: new). */
  readonly before = new Map<string, WorkingRow | null>();
  readonly deletes = new Set<string>();
  /** Rows whose samples are replaced by these (a delivery without samples keeps the stored ones). */
  readonly samples = new Map<string, ActivitySample[]>();
  readonly #original: ReadonlyMap<string, WorkingRow>;
  /**
   * The ids under each vendor key (user, source, external id), in the order they entered `rows`. A row's key
   * never changes, so this answers byKey without a scan of every row (a batch of 500 was 125,000 steps).
   */
  readonly #idsByKey = new Map<string, string[]>();
  /** The sources of each user's rows (a row's source never changes): one source alone holds no duplicates. */
  readonly #sourcesByUser = new Map<string, Set<ActivitySource>>();

  constructor(rows: readonly WorkingRow[]) {
    this.rows = new Map(rows.map((r) => [r.id, { ...r }]));
    this.#original = new Map(rows.map((r) => [r.id, r]));
    for (const row of this.rows.values()) this.#index(row);
  }

  /** The row as the batch now leaves it (inserted or updated). */
  put(row: WorkingRow): void {
    this.#rememberBefore(row.id);
    if (!this.rows.has(row.id)) this.#index(row);
    this.rows.set(row.id, row);
    this.upserts.set(row.id, row);
  }

  delete(id: string): void {
    this.#rememberBefore(id);
    this.upserts.delete(id);
    this.samples.delete(id);
    this.deletes.add(id);
  }

  replaceSamples(id: string, samples: ActivitySample[]): void {
    this.samples.set(id, samples);
  }

  /** The row with this id in its current state, deleted or not. */
  get(id: string): WorkingRow | undefined {
    return this.rows.get(id);
  }

  isDeleted(id: string): boolean {
    return this.deletes.has(id);
  }

  /** The live row delivered under this vendor key. */
  byKey(userId: string, source: ActivitySource, externalId: string): WorkingRow | undefined {
    for (const id of this.#idsByKey.get(vendorKey(userId, source, externalId)) ?? []) {
      const r = this.rows.get(id);
      if (r && !this.deletes.has(r.id)) return r;
    }
    return undefined;
  }

  /** The live row with this id, when it is the user's. */
  owned(userId: string, id: string): WorkingRow | undefined {
    const r = this.rows.get(id);
    return r && r.user_id === userId && !this.deletes.has(r.id) ? r : undefined;
  }

  /** The live counted activity `row` repeats (the same session from another source), the nearest in start time. */
  countedCopyOf(row: WorkingRow): WorkingRow | undefined {
    // No row from another source: no pair to compare (an app's batch of its own entries).
    if (!this.#otherSource(row.user_id, row.source)) return undefined;
    let best: WorkingRow | undefined;
    for (const r of this.rows.values()) {
      // Same source is never a duplicate: said before building the probes (a batch of 500 is 250,000 pairs).
      if (r.source === row.source || r.user_id !== row.user_id || r.id === row.id || r.duplicate_of !== null || this.deletes.has(r.id)) continue;
      if (!isCrossSourceDuplicate(probe(r), probe(row))) continue;
      if (!best || gap(r, row) < gap(best, row)) best = r;
    }
    return best;
  }

  /** The live duplicates of a counted activity, the oldest first (the order of inheritance). */
  duplicatesOf(id: string): WorkingRow[] {
    return this.duplicateGroups().get(id) ?? [];
  }

  /** Every counted activity's live duplicates, the oldest first, gathered in one pass over the rows. */
  duplicateGroups(): Map<string, WorkingRow[]> {
    const groups = new Map<string, WorkingRow[]>();
    for (const r of this.rows.values()) {
      if (r.duplicate_of === null || this.deletes.has(r.id)) continue;
      const group = groups.get(r.duplicate_of);
      if (group) group.push(r);
      else groups.set(r.duplicate_of, [r]);
    }
    for (const group of groups.values()) group.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
    return groups;
  }

  /** Deleted rows leave `rows`, which then holds every row's final state. */
  dropDeleted(): void {
    for (const id of this.deletes) this.rows.delete(id);
  }

  #otherSource(userId: string, source: ActivitySource): boolean {
    for (const s of this.#sourcesByUser.get(userId) ?? []) if (s !== source) return true;
    return false;
  }

  #index(row: WorkingRow): void {
    const sources = this.#sourcesByUser.get(row.user_id);
    if (sources) sources.add(row.source);
    else this.#sourcesByUser.set(row.user_id, new Set([row.source]));
    if (row.external_id === null) return;
    const key = vendorKey(row.user_id, row.source, row.external_id);
    const ids = this.#idsByKey.get(key);
    if (ids) ids.push(row.id);
    else this.#idsByKey.set(key, [row.id]);
  }

  #rememberBefore(id: string): void {
    if (!this.before.has(id)) this.before.set(id, this.#original.get(id) ?? null);
  }
}

const vendorKey = (userId: string, source: ActivitySource, externalId: string) => `${userId}\u0000${source}\u0000${externalId}`;

/** What the duplicate check reads of a row. */
export const probe = (r: WorkingRow) => ({ source: r.source, startTime: r.start_time, durationMinutes: r.duration_minutes });
const gap = (a: WorkingRow, b: WorkingRow) => Math.abs(a.start_time.getTime() - b.start_time.getTime());
