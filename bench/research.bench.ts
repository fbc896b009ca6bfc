// The research export for 10,000 consenting athletes with a year of data each (daily load and check-ins, four
// runs a week), beside a plain SELECT of the same rows into memory, in the same run; and the weekly responder
// job over the same athletes.
//   npm run bench research                          embedded PGlite
//   DATABASE_URL=postgres://... npm run bench research
//   RESEARCH_BENCH_ATHLETES=2000 npm run bench research   a smaller population
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { classifyResponders } from '#shared/responders/classify';
import { exportResearchDataset } from '#shared/research/export';
import { DirectorySink } from '#shared/research/sink';

const ATHLETES = Number(process.env.RESEARCH_BENCH_ATHLETES ?? 10_000);
const DAYS = 365;
const MB = 1024 * 1024;
const END = '2027-06-30';

async function peakOf<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; heapMb: number; rssMb: number }> {
  const start = process.memoryUsage();
  let heap = start.heapUsed;
  let rss = start.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  }, 5);
  const t = performance.now();
  const result = await work();
  const ms = performance.now() - t;
  clearInterval(timer);
  const end = process.memoryUsage();
  heap = Math.max(heap, end.heapUsed);
  rss = Math.max(rss, end.rss);
  return { result, ms, heapMb: (heap - start.heapUsed) / MB, rssMb: (rss - start.rss) / MB };
}

export default async function researchBench(): Promise<void> {
  const db = createDb(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolMax: 4 } : {});
  await migrateToLatest(db);
  const runId = Math.random().toString(36).slice(2, 8);
  const seedStart = performance.now();
  // Set-based seed: athletes, then a year of days and runs for all of them per statement.
  await sql`
    insert into users (email, password_hash, research_consent, sex, dob, weight_kg, height_cm, time_zone)
    select 'bench-' || ${runId} || '-' || g || '@example.com', 'x', true,
      (array['female', 'male'])[1 + g % 2], date '1960-01-01' + (g % 14000), 50 + g % 40, 155 + g % 40, 'UTC'
    from generate_series(1, ${ATHLETES}::int) g`.execute(db);
  const ids = sql`(select id from users where email like ${`bench-${runId}-%`})`;
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
    select u.id, ${END}::date - d, 200 + d % 7 * 30, 250, 230, 1.08, -20, 1600, 1.4, 2240
    from ${ids} u cross join generate_series(0, ${DAYS - 1}::int) d`.execute(db);
  await sql`
    insert into daily_metrics (user_id, date, resting_hr, hrv_rmssd, sleep_duration_minutes, soreness, readiness_light)
    select u.id, ${END}::date - d, 48 + d % 5, 55 + d % 9, 420 + d % 60, 1 + d % 5, 'green'
    from ${ids} u cross join generate_series(0, ${DAYS - 1}::int) d`.execute(db);
  await sql`
    insert into activities (user_id, source, type, start_time, local_date, duration_minutes, distance_meters, avg_hr, max_hr, rpe, internal_load, notes)
    select u.id, 'manual', 'run', (${END}::date - d)::timestamptz + interval '7 hours', ${END}::date - d, 50, 9000 + d % 500, 140 + d % 10, 170, 4, 200, 'private'
    from ${ids} u cross join generate_series(0, ${DAYS - 1}::int) d where d % 7 in (0, 2, 4, 5)`.execute(db);
  await sql`insert into load_series (user_id, series_start, series_end) select id, ${END}::date - ${DAYS - 1}::int, ${END}::date from ${ids} u`.execute(db);
  console.log(`seeded ${ATHLETES} athletes x ${DAYS} days in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const dir = await mkdtemp(path.join(tmpdir(), 'research-bench-'));
  try {
    const now = new Date(`${END}T23:00:00Z`);
    const exported = await peakOf(() => exportResearchDataset(db, new DirectorySink(path.join(dir, 'dataset')), now));
    const rows = Object.values(exported.result.rows).reduce((a, b) => a + b, 0);
    const plain = await peakOf(async () => {
      const days = await sql`
        select r.*, m.* from rolling_stats r full join daily_metrics m on m.user_id = r.user_id and m.date = r.date
        where coalesce(r.user_id, m.user_id) in ${ids}`.execute(db);
      const runs = await sql`select * from activities where user_id in ${ids}`.execute(db);
      return days.rows.length + runs.rows.length;
    });
    const responders = await peakOf(() => classifyResponders(db, now));

    console.log(
      `athletes exported: ${exported.result.athletes.exported} of ${exported.result.athletes.consenting} (suppressed ${exported.result.athletes.suppressed})`,
    );
    console.log(
      `research export: ${(exported.ms / 1000).toFixed(2)} s, ${rows} rows, heap peak +${exported.heapMb.toFixed(0)} MB, RSS peak +${exported.rssMb.toFixed(0)} MB`,
    );
    console.log(
      `plain SELECT of the same rows: ${(plain.ms / 1000).toFixed(2)} s, ${plain.result} rows, heap peak +${plain.heapMb.toFixed(0)} MB, RSS peak +${plain.rssMb.toFixed(0)} MB`,
    );
    console.log(`ratio: time ${(exported.ms / plain.ms).toFixed(2)}x, heap ${(exported.heapMb / Math.max(plain.heapMb, 1)).toFixed(2)}x`);
    console.log(
      `weekly responder job over ${responders.result.judged} athletes: ${(responders.ms / 1000).toFixed(2)} s in ${responders.result.pages} pages, heap peak +${responders.heapMb.toFixed(0)} MB`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sql`delete from users where email like ${`bench-${runId}-%`}`.execute(db);
    await db.destroy();
  }
}
