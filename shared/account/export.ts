// GET /me/export: everything stored about the user as one JSON document, produced as a stream of text
// chunks. Memory stays flat however many years of data there are: every table is read in keyset pages
// (never OFFSET, never the whole table), each page is serialised and handed on before the next is read,
// and the document is never assembled. One REPEATABLE READ snapshot makes the pages add up to a
// consistent picture even while workers write.
//
// Columns come from shared/db/schema.ts's `columns` map, so a column added there is exported without
// touching this file; only secrets are withheld, by name. test/e2e/privacy.test.ts fails when a table
// with a user_id is in no section.
import { sql, type RawBuilder } from 'kysely';
import type { Conn, Db } from '#shared/db/connection';
import { columns, type Database } from '#shared/db/schema';
import { type SampleChannels, sampleRowsOf } from '#shared/activities/sample-channels';
import { NotFound } from '#shared/errors';
import { AccountExport } from '#shared/contracts/export';

export const EXPORT_FORMAT = AccountExport.shape.format.value;

/** Never leave the database through an export: hashes and sealed vendor tokens. */
export const WITHHELD_COLUMNS: Partial<Record<keyof Database, readonly string[]>> = {
  users: ['password_hash'],
  refresh_tokens: ['token_hash'],
  vendor_connections: ['access_token_ciphertext', 'refresh_token_ciphertext'],
};

interface Section {
  /** Property of the export document. */
  name: string;
  table: keyof Database;
  /** Keyset order: leads with what the table's (user_id, ...) index sorts by and ends unique. */
  key: readonly string[];
}

/**
 * The top-level arrays, in document order. Activities carry their samples (activity_samples) inline, one
 * object per second with a reading ({offsetSeconds, hr, speedMps, cadence, powerW}, the shape of the
 * per-second rows before migration 0006); `account` is the users row itself.
 */
export const EXPORT_SECTIONS: readonly Section[] = [
  { name: 'vendorConnections', table: 'vendor_connections', key: ['id'] },
  { name: 'activities', table: 'activities', key: ['start_time', 'id'] },
  { name: 'dailyMetrics', table: 'daily_metrics', key: ['date'] },
  { name: 'trainingPlans', table: 'training_plans', key: ['goal_race_date', 'id'] },
  { name: 'scheduledWorkouts', table: 'scheduled_workouts', key: ['date', 'id'] },
  { name: 'planChanges', table: 'plan_changes', key: ['created_at', 'id'] },
  { name: 'rollingStats', table: 'rolling_stats', key: ['date'] },
  { name: 'loadSeries', table: 'load_series', key: ['user_id'] },
  { name: 'riskAlerts', table: 'risk_alerts', key: ['date', 'id'] },
  { name: 'pendingTasks', table: 'pending_tasks', key: ['id'] },
  { name: 'notifications', table: 'notifications', key: ['created_at', 'id'] },
  { name: 'ingestRejections', table: 'ingest_rejections', key: ['created_at', 'id'] },
  { name: 'sessions', table: 'refresh_tokens', key: ['id'] },
  { name: 'failedSignIns', table: 'failed_login_attempts', key: ['attempted_at', 'id'] },
  { name: 'syncChanges', table: 'sync_changes', key: ['seq'] },
  { name: 'syncCounters', table: 'sync_counters', key: ['user_id'] },
  { name: 'syncMutations', table: 'sync_mutations', key: ['client_mutation_id'] },
];
/** Tables exported other than as a section. */
export const NESTED_TABLES: readonly (keyof Database)[] = ['users', 'activity_samples'];

export interface ExportOptions {
  /** Rows per query for ordinary tables. */
  pageSize?: number;
  /** Seconds of activity samples per query (the bulk of the data); an activity's samples are never split. */
  samplePageSize?: number;
  /** Yield once this much text has gathered. */
  chunkChars?: number;
}

type Row = Record<string, unknown>;

/** Activities per window: the sample pages of a window are read in its order. */
const ACTIVITY_WINDOW = 50;

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function exportedColumns(table: keyof Database, also: readonly string[] = ['user_id']): string[] {
  const withheld = new Set([...(WITHHELD_COLUMNS[table] ?? []), ...also]);
  return (columns[table] as readonly string[]).filter((c) => !withheld.has(c));
}

/** `col as "camelCase"`: rows arrive in their JSON shape and a whole page is serialised by one call. */
const selectAs = (cols: readonly string[]) => sql.join(cols.map((c) => sql`${sql.ref(c)} as ${sql.id(camel(c))}`));
const list = (names: readonly string[]) => sql.join(names.map((n) => sql.ref(n)));
/** Helper keys (keyset positions) carry undefined once used; JSON.stringify leaves them out. */
const KEY = (i: number) => `_k${i}`;

/** Rows as JSON array members, without the brackets. Dates become ISO 8601 (Date#toJSON). */
function members(rows: readonly Row[], helperKeys: readonly string[]): string {
  for (const row of rows) for (const k of helperKeys) row[k] = undefined;
  return JSON.stringify(rows).slice(1, -1);
}

/** One table's rows for one user, a page at a time, in key order. */
async function* keysetPages(
  db: Conn,
  table: keyof Database,
  userId: string,
  cols: readonly string[],
  key: readonly string[],
  pageSize: number,
): AsyncGenerator<Row[]> {
  // The key is read back as text too: a timestamptz round-tripped through a JS Date loses its
  // microseconds, and the next page would then repeat or skip rows.
  const keyText = sql.join(key.map((k, i) => sql`${sql.ref(k)}::text as ${sql.id(KEY(i))}`));
  let after: unknown[] | undefined;
  for (;;) {
    const from: RawBuilder<unknown> = after ? sql`and (${list(key)}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
    const { rows } = await sql<Row>`
      select ${selectAs(cols)}, ${keyText} from ${sql.table(table)}
      where user_id = ${userId} ${from}
      order by ${list(key)} limit ${pageSize}`.execute(db);
    if (rows.length > 0) {
      const last = rows[rows.length - 1]!;
      after = key.map((_, i) => last[KEY(i)]);
      yield rows;
    }
    if (rows.length < pageSize) return;
  }
}

interface StoredSamples extends SampleChannels {
  _k1: string;
}

/**
 * The samples of one window of activities (from `first` to `last` in (start_time, id) order), one row per
 * activity (migration 0006), in pages of about `pageSeconds` seconds of samples: an activity's samples are
 * never split, so a page holds at most that plus one activity (24 h at 1 Hz).
 */
async function* samplePagesOfWindow(
  db: Conn,
  userId: string,
  first: readonly [unknown, unknown],
  last: readonly [unknown, unknown],
  pageSeconds: number,
): AsyncGenerator<StoredSamples[]> {
  let after: [unknown, unknown] | undefined;
  for (;;) {
    const from = after ? sql`and (a.start_time, a.id) > (${after[0]}, ${after[1]})` : sql``;
    // `upto` counts seconds without reading the arrays themselves, so only the page's arrays are detoasted.
    const { rows } = await sql<StoredSamples & { _k0: string; upto: number }>`
      select _k0, _k1, seconds, hr, speed_mps, cadence, power_w
        from (select a.start_time::text as _k0, a.id as _k1, s.seconds, s.hr, s.speed_mps, s.cadence, s.power_w,
                     sum(s.seconds) over (order by a.start_time, a.id) as upto
                from activities a
                join activity_samples s on s.user_id = a.user_id and s.activity_id = a.id
               where a.user_id = ${userId}
                 and a.start_time between ${first[0]} and ${last[0]}
                 and (a.start_time, a.id) between (${first[0]}, ${first[1]}) and (${last[0]}, ${last[1]})
                 ${from}) w
       where upto - seconds < ${pageSeconds}
       order by upto`.execute(db);
    if (rows.length === 0) return;
    const end = rows[rows.length - 1]!;
    after = [end._k0, end._k1];
    yield rows;
  }
}

/** Gathers small strings into chunks of about `size` characters. */
class Chunker {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly size: number) {}
  push(text: string): boolean {
    this.parts.push(text);
    this.length += text.length;
    return this.length >= this.size;
  }
  take(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return out;
  }
}

/**
 * The export as JSON text chunks. Consume it with backpressure (stream.pipeline); stopping early (the
 * client went away) ends the snapshot transaction. `now` is the export's exportedAt.
 */
export async function* exportAccount(db: Db, userId: string, now: Date, options: ExportOptions = {}): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? 1000;
  const samplePageSize = options.samplePageSize ?? 10_000;
  const chunk = new Chunker(options.chunkChars ?? 64 * 1024);

  const trx = await db.startTransaction().setIsolationLevel('repeatable read').execute();
  try {
    const userCols = exportedColumns('users', []);
    const { rows: users } = await sql<Row>`select ${selectAs(userCols)} from users where id = ${userId}`.execute(trx);
    if (users.length === 0) throw new NotFound('No such account');
    chunk.push(`{"format":${JSON.stringify(EXPORT_FORMAT)},"exportedAt":${JSON.stringify(now.toISOString())},"account":${JSON.stringify(users[0])}`);

    for (const section of EXPORT_SECTIONS) {
      chunk.push(`,${JSON.stringify(section.name)}:[`);
      const cols = exportedColumns(section.table);
      if (section.table === 'activities') {
        yield* activitiesWithSamples(trx, userId, cols, section.key, Math.min(pageSize, ACTIVITY_WINDOW), samplePageSize, chunk);
      } else {
        const helperKeys = section.key.map((_, i) => KEY(i));
        let first = true;
        for await (const page of keysetPages(trx, section.table, userId, cols, section.key, pageSize)) {
          if (chunk.push((first ? '' : ',') + members(page, helperKeys))) yield chunk.take();
          first = false;
        }
      }
      chunk.push(']');
    }
    chunk.push('}');
    yield chunk.take();
  } finally {
    // Read-only work: nothing to commit.
    await trx.rollback().execute();
  }
}

/** Samples per serialised slice: a 24 h activity is handed on in pieces, not as one 6 MB string. */
const SAMPLES_PER_SLICE = 2000;

/** Activities in windows of `windowSize`; each window's samples are merged in under their activity. */
async function* activitiesWithSamples(
  db: Conn,
  userId: string,
  cols: readonly string[],
  key: readonly string[],
  windowSize: number,
  samplePageSize: number,
  chunk: Chunker,
): AsyncGenerator<string> {
  let first = true;
  for await (const window of keysetPages(db, 'activities', userId, cols, key, windowSize)) {
    const bounds = (row: Row) => [row._k0, row._k1] as const;
    const firstKey = bounds(window[0]!);
    const lastKey = bounds(window[window.length - 1]!);
    const pages = samplePagesOfWindow(db, userId, firstKey, lastKey, samplePageSize)[Symbol.asyncIterator]();
    let page: StoredSamples[] = [];
    let at = 0;
    const more = async () => {
      const next = await pages.next();
      page = next.done ? [] : next.value;
      at = 0;
      return !next.done;
    };
    await more();
    for (const activity of window) {
      const id = activity.id;
      activity._k0 = activity._k1 = undefined;
      chunk.push(`${first ? '' : ','}${JSON.stringify(activity).slice(0, -1)},"samples":[`);
      first = false;
      if (at === page.length) await more();
      // At most one samples row per activity, in the same order as the window.
      if (page[at]?._k1 === id) {
        const samples = sampleRowsOf(page[at]!);
        at++;
        for (let i = 0; i < samples.length; i += SAMPLES_PER_SLICE) {
          if (chunk.push((i === 0 ? '' : ',') + JSON.stringify(samples.slice(i, i + SAMPLES_PER_SLICE)).slice(1, -1))) yield chunk.take();
        }
      }
      if (chunk.push(']}')) yield chunk.take();
    }
    // One snapshot, one order: samples left over would mean the two queries disagree.
    if (at < page.length || (await more())) throw new Error('export: samples out of step with their activities');
  }
}
