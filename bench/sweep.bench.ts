// The midnight sweep at 25k, 50k and 100k athletes with active plans whose local midnight just passed: the
// sweep (one statement closing every past planned workout, linking the fitting activities, writing WorkoutMissed
// to the outbox; then the outbox rows published and deleted) beside the bare UPDATE of the same rows, measured
// in the same run, with the round trips of each. Both must grow linearly with the athletes.
//   DATABASE_URL=postgres://... npm run bench sweep     PostgreSQL (a throwaway database on that server)
//   npm run bench sweep                                 embedded PGlite (smaller sizes: it is single-threaded WASM)
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { sweepPastWorkouts } from '#shared/adaptation/sweep';
import type { Db } from '#shared/db/connection';
import type { OutgoingEvent } from '#shared/events/catalogue';
import type { EventPublisher } from '#shared/events/publisher';
import { countingDb } from '#test/support/metrics';
import { ms, openBenchDatabase, percentile } from './support';

const YESTERDAY = '2027-03-09';
const TODAY = '2027-03-10';
// 00:30 UTC: every bench athlete (UTC) just passed midnight.
const NOW = new Date(`${TODAY}T00:30:00Z`);
const RUNS = 3;

/** Counts what would go to EventBridge (10 per PutEvents call) without keeping it. */
class CountingPublisher implements EventPublisher {
  events = 0;
  calls = 0;
  async publish(events: ReadonlyArray<OutgoingEvent>): Promise<void> {
    this.events += events.length;
    this.calls += Math.ceil(events.length / 10);
  }
}

export default async function sweepBench(): Promise<void> {
  const target = await openBenchDatabase();
  const sizes = target.postgres ? [25_000, 50_000, 100_000] : [2_500, 5_000, 10_000];
  try {
    console.log(`${target.label}: each athlete has an active plan with workouts yesterday, today and tomorrow; half did yesterday's run`);
    let seeded = 0;
    const rows: string[] = [];
    for (const size of sizes) {
      await seed(target.db, seeded, size - seeded);
      seeded = size;
      await sql`analyze`.execute(target.db);
      rows.push(await measure(target.db, size));
    }
    console.log(
      ['| athletes | sweep p50 | round trips | events | bare UPDATE p50 | round trips | ratio |', '|---|---|---|---|---|---|---|', ...rows].join('\n'),
    );
  } finally {
    await target.close();
  }
}

async function measure(db: Db, athletes: number): Promise<string> {
  const sweep: number[] = [];
  const bare: number[] = [];
  let sweepTrips = 0;
  let bareTrips = 0;
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    await reset(db);
    const { db: counted, counter } = countingDb(db);
    const publisher = new CountingPublisher();
    let t = performance.now();
    const result = await sweepPastWorkouts(counted, publisher, NOW);
    sweep.push(performance.now() - t);
    sweepTrips = counter.count;
    events = publisher.events;
    if (result.completed + result.missed !== athletes) throw new Error(`sweep closed ${result.completed + result.missed} of ${athletes}`);

    await reset(db);
    const bareCounted = countingDb(db);
    t = performance.now();
    // The same rows to the same states, without finding activities or writing events: the floor.
    await sql`
      update scheduled_workouts w set state = 'missed'
        from users u
       where u.id = w.user_id and extract(hour from (${NOW}::timestamptz at time zone u.time_zone)) = 0
         and w.state = 'planned' and w.removed_in_version is null
         and w.date < (${NOW}::timestamptz at time zone u.time_zone)::date`.execute(bareCounted.db);
    bare.push(performance.now() - t);
    bareTrips = bareCounted.counter.count;
  }
  const s = percentile(sweep, 50);
  const b = percentile(bare, 50);
  return `| ${athletes.toLocaleString('en')} | ${ms(s)} | ${sweepTrips} | ${events.toLocaleString('en')} WorkoutMissed | ${ms(b)} | ${bareTrips} | ${(s / b).toFixed(2)}x |`;
}

/** Yesterday's workouts planned again, the outbox empty (untimed). */
async function reset(db: Db): Promise<void> {
  await sql`update scheduled_workouts set state = 'planned', completed_activity_id = null where date = ${YESTERDAY}::date and state <> 'planned'`.execute(db);
  await sql`delete from event_outbox`.execute(db);
}

/** `count` athletes (numbered from `offset`), set-based: users, plans, three workouts each, and yesterday's run for every second one. */
async function seed(db: Db, offset: number, count: number): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  await sql`
    with u as (
      insert into users (email, password_hash, time_zone)
      select 'bench-' || ${tag} || '-' || g || '@example.com', 'x', 'UTC' from generate_series(${offset + 1}::int, ${offset + count}::int) g
      returning id
    ),
    p as (
      insert into training_plans (user_id, goal_race_date, goal_distance_meters, start_date, days_per_week, long_run_day, experience,
                                  load_basis_date, load_basis_acute, load_basis_chronic, load_basis_source)
      select id, date '2027-06-01', 21097.5, date '2027-03-01', 4, 'sun', 'intermediate', date '2027-02-28', 200, 200, 'reported_volume' from u
      returning id, user_id
    ),
    w as (
      insert into scheduled_workouts (user_id, plan_id, date, type, target_duration_minutes, target_rpe)
      select p.user_id, p.id, d.date, 'easy', 40, 4
        from p cross join (values (${YESTERDAY}::date), (${TODAY}::date), (${TODAY}::date + 1)) d (date)
    )
    insert into activities (user_id, source, type, start_time, local_date, duration_minutes, rpe, internal_load)
    select user_id, 'manual', 'run', ${`${YESTERDAY}T07:00:00Z`}::timestamptz, ${YESTERDAY}::date, 41, 4, 164
      from p where get_byte(uuid_send(user_id), 15) % 2 = 0`.execute(db);
}
