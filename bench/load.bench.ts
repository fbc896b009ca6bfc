// Rolling stats for a user with five years of activities (~2,000): a full recompute and a one-day late update,
// each beside the bare SQL read and write of the same rows measured in the same run.
//   npm run bench load                                      embedded PGlite
//   DATABASE_URL=postgres://... npm run bench load          PostgreSQL (a throwaway database on that server)
// Every timed run really changes the rows: it toggles an activity (before the series start for the full
// recompute, yesterday for the late update), outside the timed section, so nothing is skipped as unchanged.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '#shared/db/connection';
import { addDays, eachDay } from '#shared/domain/dates';
import { computeLoadSeries, type DailyLoad, type LoadDay } from '#shared/domain/load';
import { recomputeRollingStats } from '#shared/metrics/rolling-stats';
import { countingDb, fixedClock, insertLoads, RecordingPublisher } from '#test/support/metrics';
import { ms, openBenchDatabase, percentile } from './support';

const START = '2019-07-01';
const TODAY = '2024-06-26'; // a Wednesday
const FULL_RUNS = 30;
const LATE_RUNS = 300;

export default async function loadBench(): Promise<void> {
  const target = await openBenchDatabase();
  try {
    await run(target.db, target.label);
  } finally {
    await target.close();
  }
}

async function run(db: Db, label: string): Promise<void> {
  const userId = (
    await db
      .insertInto('users')
      .values({ email: `bench-${randomBytes(6).toString('hex')}@example.com`, password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const perSession = sessions();
  const loads = perSession; // same-date records are summed by the domain, as activities are by the read
  const activityIds = await insertLoads(db, userId, perSession);
  const days = eachDay(START, TODAY).length;
  console.log(`${label}: ${activityIds.length} activities over ${days} days (${START} .. ${TODAY})`);

  const clock = fixedClock(`${TODAY}T18:00:00Z`);
  const publisher = new RecordingPublisher();
  const { db: counted, counter } = countingDb(db);
  await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, START);

  // ---- full recompute: an activity appears (then disappears) the day before the series start ----------
  // Each round: toggle (untimed), then the recompute and the bare SQL read and write of the same rows, in
  // alternating order. The bare write stores the same days with other numbers (two variants, alternately),
  // so every write, ours and bare, really changes every row.
  const before = addDays(START, -1);
  const early = { date: before, load: 400 };
  const withEarly = computeLoadSeries([early, ...loads], { start: before, end: TODAY, weekEndsOn: 7 });
  const withoutEarly = computeLoadSeries(loads, { start: START, end: TODAY, weekEndsOn: 7 });
  const bareFull = variants(withEarly, withoutEarly);
  let earlyId: string | null = null;
  const full = await paired(
    FULL_RUNS,
    async () => {
      if (earlyId) {
        await db.deleteFrom('activities').where('id', '=', earlyId).execute();
        earlyId = null;
      } else {
        [earlyId] = (await insertLoads(db, userId, [early], 5)) as [string];
      }
    },
    async () => {
      counter.count = 0;
      const result = await recomputeRollingStats({ db: counted, publisher, now: clock.now() }, userId, before);
      if (result.outcome !== 'full') throw new Error(`expected a full recompute, got ${result.outcome}`);
      return counter.count;
    },
    async () => {
      await bareRead(db, userId, before);
      await bareWrite(db, userId, bareFull(earlyId !== null));
    },
  );
  if (earlyId) await db.deleteFrom('activities').where('id', '=', earlyId).execute();
  await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, before);

  // ---- one-day late update: yesterday's run arrives (then is deleted) after today's stats exist -------
  const yesterday = addDays(TODAY, -1);
  const lateRun = { date: yesterday, load: 250 };
  const withLate = computeLoadSeries([...loads, lateRun], { start: START, end: TODAY, weekEndsOn: 7 }).slice(-2);
  const withoutLate = withoutEarly.slice(-2);
  const bareLate = variants(withLate, withoutLate);
  let lateId: string | null = null;
  const late = await paired(
    LATE_RUNS,
    async () => {
      if (lateId) {
        await db.deleteFrom('activities').where('id', '=', lateId).execute();
        lateId = null;
      } else {
        [lateId] = (await insertLoads(db, userId, [lateRun], 21)) as [string];
      }
    },
    async () => {
      counter.count = 0;
      const result = await recomputeRollingStats({ db: counted, publisher, now: clock.now() }, userId, yesterday);
      if (result.outcome !== 'incremental' || result.days !== 2) throw new Error(`expected 2 incremental days, got ${JSON.stringify(result)}`);
      return counter.count;
    },
    async () => {
      await bareRead(db, userId, addDays(yesterday, -6));
      await bareWrite(db, userId, bareLate(lateId !== null));
    },
  );

  // The pure computation alone, for scale.
  const computeTimes: number[] = [];
  for (let i = 0; i < FULL_RUNS; i++) {
    const started = performance.now();
    computeLoadSeries(loads, { start: START, end: TODAY, weekEndsOn: 7 });
    computeTimes.push(performance.now() - started);
  }

  const row = (name: string, m: Paired) =>
    console.log(
      `  ${name.padEnd(24)} p50 ${ms(m.mine).padStart(10)}  round trips ${m.tripsP50} (max ${m.tripsMax})` +
        `   bare SQL read+write p50 ${ms(m.bare).padStart(10)} (2 round trips)  ratio ${(m.mine / m.bare).toFixed(2)}x`,
    );
  row(`full recompute (${withoutEarly.length} days)`, full);
  row('one-day late update', late);
  const compute = { p50: percentile(computeTimes, 50) };
  console.log(`  pure computeLoadSeries over ${withoutEarly.length} days: p50 ${ms(compute.p50)}`);
  console.log('  goal: within 1.5x of the bare SQL, at most 3 round trips');

  await db.deleteFrom('users').where('id', '=', userId).execute();
}

interface Paired {
  mine: number;
  bare: number;
  tripsP50: number;
  tripsMax: number;
}

/**
 * p50 of `mine` and of `bare`, both run in each round after an untimed `prepare`, in alternating order (a
 * side that always ran first would always meet the prepare's aftermath).
 */
async function paired(runs: number, prepare: () => Promise<void>, mine: () => Promise<number>, bare: () => Promise<void>): Promise<Paired> {
  const mineTimes: number[] = [];
  const bareTimes: number[] = [];
  const trips: number[] = [];
  const warmup = 4;
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, performance.now() - started];
  };
  for (let i = 0; i < runs + warmup; i++) {
    await prepare();
    let mineRun: [number, number];
    let bareRun: [unknown, number];
    if (i % 2 === 0) {
      mineRun = await timed(mine);
      bareRun = await timed(bare);
    } else {
      bareRun = await timed(bare);
      mineRun = await timed(mine);
    }
    if (i < warmup) continue;
    mineTimes.push(mineRun[1]);
    bareTimes.push(bareRun[1]);
    trips.push(mineRun[0]);
  }
  return { mine: percentile(mineTimes, 50), bare: percentile(bareTimes, 50), tripsP50: percentile(trips, 50), tripsMax: Math.max(...trips) };
}

/** The days of `a` or `b` with acute shifted by 1 or 2, alternately: never what is stored when it is written. */
function variants(a: readonly LoadDay[], b: readonly LoadDay[]): (useA: boolean) => LoadDay[] {
  const shift = (days: readonly LoadDay[], by: number) => days.map((d) => ({ ...d, acute: d.acute + by }));
  const table = [shift(a, 1), shift(a, 2), shift(b, 1), shift(b, 2)];
  let call = 0;
  return (useA) => table[(useA ? 0 : 2) + (call++ % 2)]!;
}

async function bareRead(db: Db, userId: string, from: string): Promise<void> {
  await sql`
    select local_date, sum(internal_load) as load from activities
    where user_id = ${userId} and duplicate_of is null and local_date >= ${from}::date
    group by local_date`.execute(db);
}

async function bareWrite(db: Db, userId: string, days: readonly LoadDay[]): Promise<void> {
  const column = <T>(pick: (day: LoadDay) => T) => days.map(pick);
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
    select ${userId}, d.*
    from unnest(
      ${column((d) => d.date)}::date[], ${column((d) => d.load)}::float8[], ${column((d) => d.acute)}::float8[],
      ${column((d) => d.chronic)}::float8[], ${column((d) => d.acwr)}::float8[], ${column((d) => d.tsb)}::float8[],
      ${column((d) => d.weekLoad)}::float8[], ${column((d) => d.monotony)}::float8[], ${column((d) => d.strain)}::float8[]
    ) as d (date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
    on conflict (user_id, date) do update
      set load = excluded.load, acute = excluded.acute, chronic = excluded.chronic, acwr = excluded.acwr,
          tsb = excluded.tsb, week_load = excluded.week_load, monotony = excluded.monotony, strain = excluded.strain`.execute(db);
}

/** Five years of a recreational runner, one entry per session: ~85 % training days, some doubles, 100-900 AU. */
function sessions(): DailyLoad[] {
  let seed = 0x10ad;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return eachDay(START, TODAY).flatMap((date) => {
    if (random() >= 0.85) return [];
    const count = random() < 0.29 ? 2 : 1;
    return Array.from({ length: count }, () => ({ date, load: Math.round(100 + random() * 800) }));
  });
}
