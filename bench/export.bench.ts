// GET /me/export for a user with 3 years of daily data and 1,000 activities with samples (360 each: one
// per 10 s of an hour), through the whole streaming path: local API Gateway -> streaming handler ->
// keyset-paged queries -> HTTP client reading the body. Memory is sampled every 5 ms during the run.
// Baselines in the same run: the same rows read with plain SELECTs and serialised at once (what a buffered
// handler would do), and the export of a tiny user.
//   npm run bench export                        embedded PGlite (its WASM heap counts in RSS)
//   DATABASE_URL=postgres://... npm run bench export
import { sql } from 'kysely';
import { functions } from '#lib/topology';
import { startLocalRuntime } from '#lib/local/runtime';
import { memoryKeySource, setKeySource } from '#shared/auth/keys';
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { createTestUser } from '#test/support/auth';
import { ms } from './support';

const DAYS = 3 * 365;
const ACTIVITIES = 1000;
const SAMPLES_PER_ACTIVITY = 360;
const MB = 1024 * 1024;

interface Peak {
  ms: number;
  bytes: number;
  /** heapUsed above the start, as sampled: includes garbage not yet collected. */
  peakHeapMb: number;
  /** Same, but with a full GC before each sample: what the run actually holds (needs --expose-gc). */
  peakLiveHeapMb?: number;
  peakRssMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Runs `work` while sampling memory: on a 5 ms timer and whenever the work calls `probe` (embedded PGlite
 * runs queries synchronously, so timers alone can miss a peak). Peaks are reported above the level at the
 * start. With `live`, a sample first forces a full GC (at most every 25 ms), which slows the run: time it
 * in a separate run.
 */
async function measured(work: (probe: () => void) => Promise<number>, live = false): Promise<Peak> {
  gc?.();
  const start = process.memoryUsage();
  let heap = start.heapUsed;
  let rss = start.rss;
  let lastGc = 0;
  const sample = () => {
    if (live && gc && performance.now() - lastGc >= 25) {
      gc();
      lastGc = performance.now();
    } else if (live) return;
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const timer = setInterval(sample, 5);
  const t = performance.now();
  const bytes = await work(sample);
  const elapsed = performance.now() - t;
  clearInterval(timer);
  const heapMb = (heap - start.heapUsed) / MB;
  return { ms: elapsed, bytes, peakHeapMb: live ? NaN : heapMb, ...(live && gc ? { peakLiveHeapMb: heapMb } : {}), peakRssMb: (rss - start.rss) / MB };
}

async function seed(db: ReturnType<typeof createDb>, userId: string): Promise<void> {
  await sql`
    insert into daily_metrics (user_id, date, resting_hr, hrv_rmssd, sleep_duration_minutes, sleep_quality, soreness, readiness_light)
    select ${userId}, date '2023-11-27' + i, 45 + i % 10, 55 + i % 20, 420 + i % 60, 1 + i % 10, 1 + i % 10, 'green'
    from generate_series(0, ${DAYS - 1}) as i`.execute(db);
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
    select ${userId}, date '2023-11-27' + i, 300, 280, 260, 1.08, -20, 2100, 1.4, 2940
    from generate_series(0, ${DAYS - 1}) as i`.execute(db);
  await sql`
    insert into activities (user_id, source, type, start_time, local_date, duration_minutes, distance_meters, avg_hr, max_hr, rpe, internal_load, notes)
    select ${userId}, 'manual', 'run', t, (t at time zone 'UTC')::date, 60, 10000, 148, 171, 6, 360, 'steady hour'
    from (select timestamptz '2023-11-27 06:00Z' + i * interval '26 hours 17 minutes' as t from generate_series(0, ${ACTIVITIES - 1}) as i) s`.execute(db);
  // A reading every 10 s: one array per channel, an element per second (migration 0006), gaps null.
  await sql`
    insert into activity_samples (user_id, activity_id, seconds, hr, speed_mps, cadence)
    select a.user_id, a.id, ${(SAMPLES_PER_ACTIVITY - 1) * 10 + 1},
           array_agg(case when g % 10 = 0 then 120 + (g / 10) % 50 end order by g),
           array_agg(case when g % 10 = 0 then 2.8 + ((g / 10) % 10) / 10.0 end order by g)::float8[],
           array_agg(case when g % 10 = 0 then 170 + (g / 10) % 8 end order by g)
    from activities a cross join generate_series(0, ${(SAMPLES_PER_ACTIVITY - 1) * 10}) as g
    where a.user_id = ${userId}
    group by a.user_id, a.id`.execute(db);
}

async function readBody(res: Response, probe: () => void): Promise<number> {
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  let last = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    last = value[value.length - 1]!;
    probe();
  }
  if (last !== 0x7d) throw new Error('the document did not end with }');
  return bytes;
}

export default async function exportBench(): Promise<void> {
  setKeySource(memoryKeySource());
  const db = createDb({ url: process.env.DATABASE_URL, poolMax: 4 });
  await migrateToLatest(db);
  const runtime = await startLocalRuntime({ topology: functions, port: 0, db, schedules: false, log: () => undefined });
  try {
    const big = await createTestUser(db);
    const tiny = await createTestUser(db);
    const t = performance.now();
    await seed(db, big.userId);
    console.log(`seeded ${ACTIVITIES} activities x ${SAMPLES_PER_ACTIVITY} samples + ${DAYS} days of metrics and stats in ${ms(performance.now() - t)}`);
    console.log(
      `database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; gc between runs: ${gc ? 'yes' : 'no (run node with --expose-gc for steadier figures)'}`,
    );

    const exportOf = (token: string) => (probe: () => void) =>
      fetch(`${runtime.url}/api/v1/me/export`, { headers: { authorization: `Bearer ${token}` } }).then((res) => readBody(res, probe));
    await exportOf(tiny.accessToken)(() => undefined); // warm-up: handler import, first queries

    const buffered = async (probe: () => void) => {
      // The naive handler: every row of every table at once, then one JSON.stringify.
      const rows = {
        activities: await db.selectFrom('activities').selectAll().where('user_id', '=', big.userId).execute(),
        samples: await db.selectFrom('activity_samples').selectAll().where('user_id', '=', big.userId).execute(),
        dailyMetrics: await db.selectFrom('daily_metrics').selectAll().where('user_id', '=', big.userId).execute(),
        rollingStats: await db.selectFrom('rolling_stats').selectAll().where('user_id', '=', big.userId).execute(),
      };
      probe();
      const text = JSON.stringify(rows);
      probe();
      return Buffer.byteLength(text);
    };
    const runs: Array<[string, (probe: () => void) => Promise<number>]> = [
      ['streamed export, tiny user', exportOf(tiny.accessToken)],
      ['streamed export, 3-year user', exportOf(big.accessToken)],
      ['baseline: plain SELECT + stringify', buffered],
    ];
    const results = new Map<string, { timed: Peak; live: Peak }>();
    for (const [name, work] of runs) {
      // Best of two for time (the machine may be busy); a third run with forced GCs for the live heap.
      const [a, b] = [await measured(work), await measured(work)];
      // Memory peaks from either run: the second may start where the first left RSS.
      const timed = { ...(a.ms <= b.ms ? a : b), peakHeapMb: Math.max(a.peakHeapMb, b.peakHeapMb), peakRssMb: Math.max(a.peakRssMb, b.peakRssMb) };
      results.set(name, { timed, live: await measured(work, true) });
    }

    const mb = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '     n/a' : `+${n.toFixed(1).padStart(6)} MB`);
    console.log(
      `${''.padEnd(36)} ${'time'.padStart(12)}  ${'output'.padStart(10)}  ${'heap peak'.padStart(10)}  ${'live heap'.padStart(10)}  ${'rss peak'.padStart(10)}`,
    );
    for (const [name, { timed, live }] of results) {
      console.log(
        `${name.padEnd(36)} ${ms(timed.ms).padStart(12)}  ${`${(timed.bytes / MB).toFixed(1)} MB`.padStart(10)}  ${mb(timed.peakHeapMb).padStart(10)}  ${mb(live.peakLiveHeapMb).padStart(10)}  ${mb(timed.peakRssMb).padStart(10)}`,
      );
    }
    const stream = results.get('streamed export, 3-year user')!;
    const base = results.get('baseline: plain SELECT + stringify')!;
    if (stream.live.peakLiveHeapMb !== undefined && base.live.peakLiveHeapMb !== undefined) {
      console.log(`live heap, streamed / buffered baseline: ${(stream.live.peakLiveHeapMb / base.live.peakLiveHeapMb).toFixed(3)}x`);
    }
    console.log(`heap peak, streamed / buffered baseline: ${(stream.timed.peakHeapMb / base.timed.peakHeapMb).toFixed(2)}x`);
    console.log(
      `time, streamed / buffered baseline: ${(stream.timed.ms / base.timed.ms).toFixed(2)}x; streamed throughput ${(stream.timed.bytes / MB / (stream.timed.ms / 1000)).toFixed(1)} MB/s`,
    );
  } finally {
    await runtime.close();
    await db.destroy();
  }
}
