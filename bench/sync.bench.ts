// Offline sync, through the services behind the routes (shared/sync/push.ts and feed.ts):
// - POST of 500 mutations (app entries with RPE, one a day) for a fresh athlete each run: p50 and database round
//   trips (every statement sent, BEGIN/COMMIT included), beside the baseline measured in the same run: a raw
//   batched INSERT of the same 500 activity rows (one statement, in a transaction; the fastest of three spellings)
//   with no validation, duplicate check, task, event, conflict rule or stored answer. Both pay the change-log
//   triggers: they belong to the table.
// - GET of a first full sync of three years (an activity, a check-in and a load day per day, plus notifications):
//   time, pages, round trips and peak memory for pages of 500 and of 1,000, beside plain SELECTs of the same rows.
//   npm run bench sync                              embedded PGlite
//   DATABASE_URL=postgres://... npm run bench sync  PostgreSQL (a throwaway database on that server)
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { SyncMutation } from '#shared/contracts/sync';
import { type ArrayElement, type ArrayType, arrayOf } from '#shared/db/array-literal';
import type { Db } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { pullChanges } from '#shared/sync/feed';
import { pushMutations } from '#shared/sync/push';
import { Counter, ms, openDatabase, percentile, timeIt } from './support';

const BATCH = 500;
const RUNS = 25;
/** Interleaved rounds before timing: the push's JavaScript is warm, as in a Lambda past its first request. */
const WARMUP = 5;
const DAYS = 3 * 365;
const MB = 1024 * 1024;
const NOW = new Date('2026-01-01T12:00:00Z');

const newUser = async (db: Db) =>
  (
    await db
      .insertInto('users')
      .values({ email: `sync-${randomUUID()}@example.com`, password_hash: 'x', time_zone: 'Europe/Paris', resting_hr: 50, max_hr: 190 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;

/** The i-th morning run of the batch, as the app's POST /activities body. */
const entry = (i: number) => ({
  startTime: new Date(Date.UTC(2024, 0, 1, 6, 30) + i * 86_400_000).toISOString(),
  durationMinutes: 40 + (i % 20),
  distanceMeters: 8000 + (i % 20) * 150,
  avgHr: 145,
  maxHr: 170,
  rpe: 1 + (i % 10),
  feeling: 3,
  externalId: `phone-${i}`,
});

const batch = (): SyncMutation[] =>
  Array.from({ length: BATCH }, (_, i) => ({
    clientMutationId: randomUUID(),
    entity: 'activity',
    op: 'upsert',
    data: entry(i),
    clientTimestamp: '2025-12-31T20:00:00Z',
  }));

/** The batch's 500 activity rows as the service stores them (for one user). */
const activityRows = (userId: string) =>
  Array.from({ length: BATCH }, (_, i) => {
    const e = entry(i);
    return {
      user_id: userId,
      source: 'manual' as const,
      external_id: e.externalId,
      type: 'run' as const,
      start_time: e.startTime,
      local_date: e.startTime.slice(0, 10),
      utc_offset_minutes: 0,
      duration_minutes: e.durationMinutes,
      distance_meters: e.distanceMeters,
      avg_hr: e.avgHr,
      max_hr: e.maxHr,
      rpe: e.rpe,
      feeling: e.feeling,
      internal_load: e.durationMinutes * e.rpe,
    };
  });

type Rows = ReturnType<typeof activityRows>;

/**
 * The rows as one array per column (INSERT ... SELECT FROM unnest), each array a JS array (node-pg or PGlite turns
 * it into text) or, as the service sends them, through shared/db/array-literal.ts arrayOf (an array literal, or a
 * repeated value and a count).
 */
const unnestActivities = (rows: Rows, spelling: 'arrays' | 'literals') => {
  const column = (type: ArrayType, values: ArrayElement[]) => (spelling === 'literals' ? arrayOf(type, values) : sql`${values}::${sql.raw(type)}[]`);
  const c = (type: ArrayType) => (pick: (row: Rows[number]) => ArrayElement) => column(type, rows.map(pick));
  return sql`
  insert into activities (user_id, source, external_id, type, start_time, local_date, utc_offset_minutes, duration_minutes,
                          distance_meters, avg_hr, max_hr, rpe, feeling, internal_load)
  select * from unnest(${c('uuid')((r) => r.user_id)}, ${c('text')((r) => r.source)}, ${c('text')((r) => r.external_id)}, ${c('text')((r) => r.type)},
                       ${c('timestamptz')((r) => r.start_time)}, ${c('date')((r) => r.local_date)}, ${c('smallint')((r) => r.utc_offset_minutes)},
                       ${c('float8')((r) => r.duration_minutes)}, ${c('float8')((r) => r.distance_meters)}, ${c('smallint')((r) => r.avg_hr)},
                       ${c('smallint')((r) => r.max_hr)}, ${c('smallint')((r) => r.rpe)}, ${c('smallint')((r) => r.feeling)},
                       ${c('float8')((r) => r.internal_load)})`;
};

/**
 * The baselines: the same 500 activity rows in one INSERT inside a transaction, spelled three ways (a VALUES list,
 * as the query builder writes it; one JS array per column; one array literal per column, as the service does),
 * without validation, duplicate check, task, event, conflict rule or stored answer. The fastest is the baseline, so
 * the service's own spelling cannot make the baseline look slow.
 */
async function rawValues(db: Db, userId: string): Promise<void> {
  await db.transaction().execute((trx) => trx.insertInto('activities').values(activityRows(userId)).execute());
}

async function rawUnnest(db: Db, userId: string): Promise<void> {
  await db.transaction().execute((trx) => unnestActivities(activityRows(userId), 'arrays').execute(trx));
}

async function rawLiterals(db: Db, userId: string): Promise<void> {
  await db.transaction().execute((trx) => unnestActivities(activityRows(userId), 'literals').execute(trx));
}

/**
 * Everything the push writes, raw, in one statement: the activities, the batch's one ActivityRecorded in the
 * outbox, and an answer per mutation. What the writes alone cost, without the reads, locks and rules.
 */
async function rawEverything(db: Db, userId: string): Promise<void> {
  const answers = Array.from({ length: BATCH }, () => randomUUID());
  const detail = JSON.stringify({ userId, activityId: randomUUID(), localDate: entry(0).startTime.slice(0, 10), change: 'created' });
  await db.transaction().execute((trx) =>
    sql`
      with activities as (${unnestActivities(activityRows(userId), 'literals')}),
           outbox as (insert into event_outbox (detail_type, detail) values ('ActivityRecorded', ${detail}::jsonb))
      insert into sync_mutations (user_id, client_mutation_id, entity, op, entity_id, status, client_timestamp)
      select ${userId}, a.id, 'activity', 'upsert', gen_random_uuid()::text, 'applied', ${NOW}
        from unnest(${answers}::uuid[]) a (id)`.execute(trx),
  );
}

async function seedYears(db: Db, userId: string): Promise<number> {
  const days = sql`generate_series(0, ${DAYS - 1}) as i`;
  await sql`
    insert into activities (user_id, source, type, start_time, local_date, duration_minutes, distance_meters, avg_hr, rpe, internal_load, notes)
    select ${userId}, 'manual', 'run', timestamptz '2023-01-01 06:30Z' + make_interval(days => i), date '2023-01-01' + i, 45, 9000, 150, 5, 225, 'steady'
      from ${days}`.execute(db);
  await sql`
    insert into daily_metrics (user_id, date, resting_hr, hrv_rmssd, sleep_duration_minutes, sleep_quality, soreness, readiness_light, readiness_reasons)
    select ${userId}, date '2023-01-01' + i, 45 + i % 10, 55 + i % 20, 420 + i % 60, 1 + i % 10, 1 + i % 10, 'green',
           '[{"code":"hrv_normal","message":"HRV within your normal range","severity":"info"}]'
      from ${days}`.execute(db);
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
    select ${userId}, date '2023-01-01' + i, 225, 225, 225, 1, 0, 1575, 1.2, 1890
      from ${days}`.execute(db);
  await sql`
    insert into notifications (user_id, kind, title, body, data, dedupe_key)
    select ${userId}, 'readiness', 'Good to go', 'Your readiness is green', '{}', 'readiness:' || i
      from generate_series(0, 199) as i`.execute(db);
  return 3 * DAYS + 200 + 1;
}

interface Pull {
  ms: number;
  pages: number;
  changes: number;
  roundTrips: number;
  peakHeapMb: number;
  peakRssMb: number;
}

/** Runs `work`, sampling memory on a timer and at each page (embedded PGlite runs queries synchronously). */
async function measured(counter: Counter, work: (probe: () => void) => Promise<{ pages: number; changes: number }>): Promise<Pull> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage();
  let heap = start.heapUsed;
  let rss = start.rss;
  const probe = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const timer = setInterval(probe, 5);
  counter.roundTrips = 0;
  const t = performance.now();
  const { pages, changes } = await work(probe);
  const elapsed = performance.now() - t;
  clearInterval(timer);
  return { ms: elapsed, pages, changes, roundTrips: counter.roundTrips, peakHeapMb: (heap - start.heapUsed) / MB, peakRssMb: (rss - start.rss) / MB };
}

export default async function run(): Promise<void> {
  const counter = new Counter();
  const database = await openDatabase(counter);
  const { db } = database;
  try {
    await migrateToLatest(db);
    console.log(`database: ${database.kind}`);
    const deps = { db, publisher: { publish: async () => undefined }, now: NOW };

    // ---- POST /sync: 500 mutations ----
    counter.roundTrips = 0;
    const probeUser = await newUser(db);
    counter.roundTrips = 0;
    const { results } = await pushMutations(deps, probeUser, batch());
    const pushTrips = counter.roundTrips;
    if (results.some((r) => r.status !== 'applied')) throw new Error(`not applied: ${JSON.stringify(results.find((r) => r.status !== 'applied'))}`);
    const trips = async (raw: (db: Db, userId: string) => Promise<void>) => {
      const userId = await newUser(db);
      counter.roundTrips = 0;
      await raw(db, userId);
      return counter.roundTrips;
    };
    const rawTrips = { values: await trips(rawValues), unnest: await trips(rawUnnest), literals: await trips(rawLiterals), all: await trips(rawEverything) };

    // Interleaved, a fresh athlete per run, so all see the same table sizes and the same load of the machine.
    const ways = {
      push: (userId: string) => pushMutations(deps, userId, batch()),
      values: rawValues.bind(null, db),
      unnest: rawUnnest.bind(null, db),
      literals: rawLiterals.bind(null, db),
      all: rawEverything.bind(null, db),
    };
    const times = { push: [] as number[], values: [] as number[], unnest: [] as number[], literals: [] as number[], all: [] as number[] };
    for (let i = 0; i < RUNS + WARMUP; i++) {
      for (const [name, way] of Object.entries(ways) as [keyof typeof ways, (userId: string) => Promise<unknown>][]) {
        const userId = await newUser(db);
        const t = performance.now();
        await way(userId);
        if (i >= WARMUP) times[name].push(performance.now() - t);
      }
    }
    const p50 = (name: keyof typeof times) => percentile(times[name], 50);
    const base = (['values', 'unnest', 'literals'] as const).reduce((a, b) => (p50(b) < p50(a) ? b : a));
    const row = (label: string, name: keyof typeof times, roundTrips: number, note = '') =>
      console.log(`  ${label.padEnd(30)} ${ms(p50(name)).padStart(11)}   ${String(roundTrips).padStart(3)} round trips${note}`);
    console.log(`POST /sync, ${BATCH} activity mutations (${RUNS} runs, p50)`);
    row('sync push', 'push', pushTrips);
    const note = (name: typeof base) => (base === name ? '   (baseline: the fastest raw INSERT)' : '');
    row('raw batched INSERT, VALUES', 'values', rawTrips.values, note('values'));
    row('raw batched INSERT, unnest', 'unnest', rawTrips.unnest, note('unnest'));
    row('raw INSERT, unnest literals', 'literals', rawTrips.literals, note('literals'));
    row('raw INSERT of all it writes', 'all', rawTrips.all, '   (activities + its outbox event + answers, one statement)');
    console.log(
      `  ratio to the activity INSERT   ${(p50('push') / p50(base)).toFixed(2)}x   (goal: at most 2x)   p90 ${ms(percentile(times.push, 90))} vs ${ms(percentile(times[base], 90))}`,
    );
    console.log(`  ratio to all the raw writes    ${(p50('push') / p50('all')).toFixed(2)}x`);

    // ---- GET /sync: first full sync of three years ----
    const runner = await newUser(db);
    const expected = await seedYears(db, runner);
    console.log(`\nGET /sync, first sync of ${DAYS} days (${expected} entities)`);
    for (const limit of [500, 1000]) {
      const pulled = await measured(counter, async (probe) => {
        let cursor: string | undefined;
        let pages = 0;
        let changes = 0;
        for (;;) {
          const page = await pullChanges(db, runner, { cursor, limit });
          pages += 1;
          changes += page.changes.length;
          // The handler serialises each page; so does the benchmark.
          JSON.stringify(page);
          probe();
          cursor = page.nextCursor;
          if (!page.hasMore) return { pages, changes };
        }
      });
      if (pulled.changes !== expected) throw new Error(`pulled ${pulled.changes} of ${expected}`);
      console.log(
        `  pages of ${String(limit).padEnd(5)}  ${ms(pulled.ms).padStart(12)}   ${pulled.pages} pages, ${pulled.roundTrips} round trips (${(pulled.roundTrips / pulled.pages).toFixed(1)}/page), ` +
          `${ms(pulled.ms / pulled.pages)}/page, heap peak ${pulled.peakHeapMb.toFixed(1)} MB, rss peak ${pulled.peakRssMb.toFixed(1)} MB`,
      );
    }
    const plain = await timeIt(
      3,
      async () => {
        const rows = await Promise.all([
          db.selectFrom('activities').selectAll().where('user_id', '=', runner).execute(),
          db.selectFrom('daily_metrics').selectAll().where('user_id', '=', runner).execute(),
          db.selectFrom('rolling_stats').selectAll().where('user_id', '=', runner).execute(),
          db.selectFrom('notifications').selectAll().where('user_id', '=', runner).execute(),
        ]);
        JSON.stringify(rows);
      },
      1,
    );
    console.log(`  plain SELECTs, same rows  ${ms(percentile(plain, 50)).padStart(12)}   (baseline: one response, no paging, no log)`);
  } finally {
    await database.close();
  }
}
