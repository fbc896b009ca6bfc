// Samples at scale (issue 16): one row per activity instead of one row per second. Each channel is an
// array indexed by the second since the start (element i = offset i - 1), NULL where that second has no
// reading; a channel with no reading at all is NULL. At 1 Hz the offsets are implied by the positions, so
// no offset array is stored, and TOAST compresses each array on its own. `npm run bench samples` measures
// this layout beside the per-second rows it replaces and a delta-encoded bytea (README, "Samples").
//
// Up moves every row: the second grid of an activity runs from 0 to its last sample, and a second
// without a row is NULL in every channel. Down turns the arrays back into rows. Values are copied as they
// are (speed stays float8), so both directions are exact.
import { type Kysely, sql } from 'kysely';

/** 24 h at 1 Hz: offsets 0 to 86,400. */
const MAX_SECONDS = 86_401;

/** A channel is NULL, or a one-dimensional array from index 1 with an element per second of the grid and a reading in it. */
const channel = (name: string, bounds: string) =>
  sql.raw(`
      constraint activity_samples_${name}_check check (
        ${name} is null or (
          array_ndims(${name}) = 1 and array_lower(${name}, 1) = 1 and cardinality(${name}) = seconds
          and array_remove(${name}, null) <> '{}' and ${bounds}
        )
      )`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table activity_samples rename to activity_samples_0001`.execute(db);
  await sql`alter index activity_samples_pkey rename to activity_samples_0001_pkey`.execute(db);
  await sql`
    create table activity_samples (
      user_id uuid not null references users (id) on delete cascade,
      activity_id uuid not null,
      seconds integer not null constraint activity_samples_seconds_check check (seconds between 1 and ${sql.lit(MAX_SECONDS)}),
      hr smallint[],
      speed_mps double precision[],
      cadence smallint[],
      power_w smallint[],
      primary key (user_id, activity_id),
      constraint activity_samples_activity_id_fkey foreign key (activity_id, user_id)
        references activities (id, user_id) on delete cascade,
      constraint activity_samples_values_check check (num_nonnulls(hr, speed_mps, cadence, power_w) > 0),
      ${channel('hr', '25 <= all(hr) and 250 >= all(hr)')},
      ${channel('speed_mps', '0 <= all(speed_mps) and 100 > all(speed_mps)')},
      ${channel('cadence', '0 <= all(cadence) and 300 >= all(cadence)')},
      ${channel('power_w', '0 <= all(power_w) and 3000 >= all(power_w)')}
    )`.execute(db);
  await sql`comment on table activity_samples is 'one row per activity: each channel indexed by second since the start (element i = offset i - 1), NULL where there is no reading'`.execute(
    db,
  );
  await sql`comment on column activity_samples.seconds is 'length of every channel: the last sample''s offset + 1 (at most 24 h at 1 Hz)'`.execute(db);
  await sql`comment on column activity_samples.speed_mps is 'm/s, not pace: pace is unbounded at a standstill; pace s/km = 1000 / speed_mps'`.execute(db);

  // One pass: every second of each activity's grid joined to its row, if any, aggregated in order.
  await sql`
    insert into activity_samples (user_id, activity_id, seconds, hr, speed_mps, cadence, power_w)
    select e.user_id, e.activity_id, e.last + 1,
           case when count(s.hr) > 0 then array_agg(s.hr order by g.i) end,
           case when count(s.speed_mps) > 0 then array_agg(s.speed_mps order by g.i) end,
           case when count(s.cadence) > 0 then array_agg(s.cadence order by g.i) end,
           case when count(s.power_w) > 0 then array_agg(s.power_w order by g.i) end
      from (select user_id, activity_id, max(offset_seconds) as last
              from activity_samples_0001 group by user_id, activity_id) e
     cross join lateral generate_series(0, e.last) g (i)
      left join activity_samples_0001 s
        on s.user_id = e.user_id and s.activity_id = e.activity_id and s.offset_seconds = g.i
     group by e.user_id, e.activity_id, e.last`.execute(db);
  await sql`drop table activity_samples_0001`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table activity_samples rename to activity_samples_0006`.execute(db);
  await sql`alter index activity_samples_pkey rename to activity_samples_0006_pkey`.execute(db);
  // The table exactly as 0001 made it.
  await sql`
    create table activity_samples (
      user_id uuid not null references users (id) on delete cascade,
      activity_id uuid not null,
      offset_seconds integer not null check (offset_seconds between 0 and 86400),
      hr smallint check (hr between 25 and 250),
      speed_mps double precision check (speed_mps >= 0 and speed_mps < 100),
      cadence smallint check (cadence between 0 and 300),
      power_w smallint check (power_w between 0 and 3000),
      primary key (user_id, activity_id, offset_seconds),
      constraint activity_samples_activity_id_fkey foreign key (activity_id, user_id)
        references activities (id, user_id) on delete cascade,
      constraint activity_samples_values_check check (num_nonnulls(hr, speed_mps, cadence, power_w) > 0)
    )`.execute(db);
  await sql`
    insert into activity_samples (user_id, activity_id, offset_seconds, hr, speed_mps, cadence, power_w)
    select s.user_id, s.activity_id, (u.i - 1)::int, u.hr, u.speed_mps, u.cadence, u.power_w
      from activity_samples_0006 s
     cross join lateral unnest(s.hr, s.speed_mps, s.cadence, s.power_w) with ordinality u (hr, speed_mps, cadence, power_w, i)
     where num_nonnulls(u.hr, u.speed_mps, u.cadence, u.power_w) > 0`.execute(db);
  await sql`drop table activity_samples_0006`.execute(db);
}
