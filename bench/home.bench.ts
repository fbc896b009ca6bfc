// GET /home's service: a cache hit beside a miss (the answer built from the database), p50 of each in one run,
// for an athlete with a plan, a year of activities and stats, open tasks and notifications.
//   npm run bench home                                        PGlite and the in-memory cache
//   DATABASE_URL=postgres://... REDIS_URL=redis://... npm run bench home   (a throwaway database on that server)
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { cacheClient, redisCache, type CacheClient } from '#shared/cache/client';
import type { Db } from '#shared/db/connection';
import { addDays, eachDay } from '#shared/domain/dates';
import { homeKey } from '#shared/home/cache';
import { homeScreen } from '#shared/home/home';
import { openBenchDatabase } from './support';
import { ms, percentile } from './support';

const TODAY = '2027-03-10';
const NOW = new Date(`${TODAY}T07:00:00Z`);
const RUNS = 200;

let userIdOf = '';

export default async function homeBench(): Promise<void> {
  const target = await openBenchDatabase();
  const db = target.db;
  const cache: CacheClient & { close?(): Promise<void> } = process.env.REDIS_URL ? redisCache(process.env.REDIS_URL) : cacheClient();
  try {
    const userId = await seed(db);
    userIdOf = userId;
    const key = homeKey(userId);
    const miss: number[] = [];
    const hit: number[] = [];
    await homeScreen(db, cache, userId, NOW); // warm up
    for (let i = 0; i < RUNS; i++) {
      await cache.del([key]);
      let t = performance.now();
      const built = await homeScreen(db, cache, userId, NOW);
      miss.push(performance.now() - t);
      t = performance.now();
      const cached = await homeScreen(db, cache, userId, NOW);
      hit.push(performance.now() - t);
      if (built.cached || !cached.cached || cached.etag !== built.etag) throw new Error('expected a miss then a hit with the same ETag');
    }
    const m = percentile(miss, 50);
    const h = percentile(hit, 50);
    console.log(`${target.label} + ${process.env.REDIS_URL ? 'Redis' : 'in-memory cache'}, ${RUNS} runs each`);
    console.log(`miss p50 ${ms(m)} (p95 ${ms(percentile(miss, 95))}) | hit p50 ${ms(h)} (p95 ${ms(percentile(hit, 95))}) | miss/hit ${(m / h).toFixed(1)}x`);
  } finally {
    await cache.del([homeKey(userIdOf)]).catch(() => 0);
    await cache.close?.();
    await target.close();
  }
}

async function seed(db: Db): Promise<string> {
  const user = await db
    .insertInto('users')
    .values({ email: `bench-home-${randomBytes(6).toString('hex')}@example.com`, password_hash: 'x', time_zone: 'Europe/Berlin' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const plan = await db
    .insertInto('training_plans')
    .values({
      user_id: user.id,
      goal_race_date: '2027-06-01',
      goal_distance_meters: 21097.5,
      start_date: '2027-03-01',
      days_per_week: 5,
      long_run_day: 'sun',
      experience: 'intermediate',
      load_basis_date: '2027-02-28',
      load_basis_acute: 300,
      load_basis_chronic: 300,
      load_basis_source: 'history',
      weeks: JSON.stringify(
        eachDay('2027-03-01', '2027-05-31')
          .filter((_, i) => i % 7 === 0)
          .map((start, index) => ({ index, startDate: start, endDate: addDays(start, 6), phase: 'build', kind: 'loading', targetLoad: 2000 })),
      ),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('scheduled_workouts')
    .values(
      eachDay('2027-03-01', '2027-05-31').map((date, i) => ({
        user_id: user.id,
        plan_id: plan.id,
        date,
        type: i % 7 === 6 ? ('long_run' as const) : ('easy' as const),
        target_duration_minutes: 45,
        target_rpe: 4,
      })),
    )
    .execute();
  const days = eachDay(addDays(TODAY, -365), addDays(TODAY, -1));
  await db
    .insertInto('activities')
    .values(
      days.map((date) => ({
        user_id: user.id,
        source: 'manual' as const,
        type: 'run' as const,
        start_time: `${date}T06:00:00Z`,
        local_date: date,
        duration_minutes: 45,
        rpe: 4,
        internal_load: 180,
      })),
    )
    .execute();
  await sql`
    insert into rolling_stats (user_id, date, load, acute, chronic, acwr, tsb)
    select ${user.id}::uuid, d::date, 180, 180, 180, 1, 0 from generate_series(${days[0]}::date, ${days.at(-1)}::date, interval '1 day') d`.execute(db);
  await db
    .insertInto('notifications')
    .values(Array.from({ length: 50 }, (_, i) => ({ user_id: user.id, kind: 'readiness' as const, title: `n${i}`, body: 'b' })))
    .execute();
  return user.id;
}
