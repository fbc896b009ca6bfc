// Migration 0006 moves the per-second sample rows of 0001 into one row of arrays per activity, and back,
// without losing or changing a value: gaps, channels missing in places, offsets 0 and 86,400, speeds
// with every digit a double has, several activities and users.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '#migrations/index';
import { migrateToLatest, migrator } from '#shared/db/migrate';
import { testDb, type TestDb } from '#test/support/db';
import { storedSamples } from '#test/support/samples';

const names = Object.keys(migrations);
const before0006 = names[names.indexOf('0006_samples') - 1]!;

interface OldRow {
  user_id: string;
  activity_id: string;
  offset_seconds: number;
  hr: number | null;
  speed_mps: number | null;
  cadence: number | null;
  power_w: number | null;
}

let t: TestDb;
let old: OldRow[];

beforeAll(async () => {
  t = await testDb();
  const down = await migrator(t.db).migrateTo(before0006);
  if (down.error) throw down.error;

  const users = await sql<{ id: string }>`
    insert into users (email, password_hash, time_zone)
    select 'm' || i || '@example.com', 'x', 'UTC' from generate_series(1, 2) i returning id`.execute(t.db);
  const activities: { user_id: string; id: string }[] = [];
  for (const [u, { id: userId }] of users.rows.entries()) {
    for (let a = 0; a < 3; a++) {
      const { rows } = await sql<{ id: string }>`
        insert into activities (user_id, source, type, start_time, local_date, duration_minutes)
        values (${userId}, 'manual', 'run', ${`2024-03-0${a + 1}T0${u}:00:00Z`}, ${`2024-03-0${a + 1}`}, 60) returning id`.execute(t.db);
      activities.push({ user_id: userId, id: rows[0]!.id });
    }
  }
  // An activity without samples stays without a row.
  const [dense, sparse, whole, , , extremes] = activities;
  old = [];
  // 1 Hz with a pause, power only at times, speeds that use all of a double's digits.
  for (let i = 0; i < 900; i++) {
    if (i >= 300 && i < 420) continue;
    old.push({
      ...key(dense!),
      offset_seconds: i,
      hr: 120 + (i % 60),
      speed_mps: 1000 / (280 + i / 7),
      cadence: i % 5 === 0 ? null : 170,
      power_w: i < 100 ? 250 + i : null,
    });
  }
  // Apple-like: a heart rate every 5 s, nothing else; the first one late.
  for (let i = 3; i < 3600; i += 5) old.push({ ...key(sparse!), offset_seconds: i, hr: 60 + (i % 120), speed_mps: null, cadence: null, power_w: null });
  // Offsets 0 and 86,400, and the extremes each CHECK allows.
  old.push({ ...key(whole!), offset_seconds: 0, hr: 25, speed_mps: 0, cadence: 0, power_w: 0 });
  old.push({ ...key(whole!), offset_seconds: 86_400, hr: 250, speed_mps: 99.999999, cadence: 300, power_w: 3000 });
  old.push({ ...key(extremes!), offset_seconds: 42, hr: null, speed_mps: null, cadence: null, power_w: 7 });
  await sql`
    insert into activity_samples (user_id, activity_id, offset_seconds, hr, speed_mps, cadence, power_w)
    select * from unnest(${old.map((r) => r.user_id)}::uuid[], ${old.map((r) => r.activity_id)}::uuid[], ${old.map((r) => r.offset_seconds)}::int[],
                         ${old.map((r) => r.hr)}::smallint[], ${old.map((r) => r.speed_mps)}::float8[], ${old.map((r) => r.cadence)}::smallint[],
                         ${old.map((r) => r.power_w)}::smallint[])`.execute(t.db);
  await migrateToLatest(t.db);
});
afterAll(async () => {
  await t?.close();
});

function key(a: { user_id: string; id: string }) {
  return { user_id: a.user_id, activity_id: a.id };
}

const sortRows = (rows: OldRow[]) => [...rows].sort((a, b) => a.activity_id.localeCompare(b.activity_id) || a.offset_seconds - b.offset_seconds);

describe('migration 0006', () => {
  it('moves every sample row into its activity, value for value', async () => {
    const moved = await t.db.selectFrom('activity_samples').select(['user_id', 'activity_id', 'seconds']).orderBy('activity_id').execute();
    const activityIds = [...new Set(old.map((r) => r.activity_id))].sort();
    expect(moved.map((m) => m.activity_id)).toEqual(activityIds);
    const back: OldRow[] = [];
    for (const m of moved) {
      const rows = old.filter((r) => r.activity_id === m.activity_id);
      expect(m.user_id).toBe(rows[0]!.user_id);
      expect(m.seconds).toBe(Math.max(...rows.map((r) => r.offset_seconds)) + 1);
      for (const s of await storedSamples(t.db, m.activity_id)) {
        back.push({
          ...key({ user_id: m.user_id, id: m.activity_id }),
          offset_seconds: s.offsetSeconds,
          hr: s.hr,
          speed_mps: s.speedMps,
          cadence: s.cadence,
          power_w: s.powerW,
        });
      }
    }
    // toEqual on doubles is exact: not one digit of a speed is lost.
    expect(sortRows(back)).toEqual(sortRows(old));
  });

  it('stores a channel nobody measured as null, not as an array of gaps', async () => {
    const sparse = old.find((r) => r.offset_seconds === 3 && r.speed_mps === null)!.activity_id;
    const row = await t.db.selectFrom('activity_samples').selectAll().where('activity_id', '=', sparse).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ speed_mps: null, cadence: null, power_w: null });
    expect(row.hr!.slice(0, 9)).toEqual([null, null, null, 63, null, null, null, null, 68]);
  });

  it('goes down to the same per-second rows', async () => {
    const down = await migrator(t.db).migrateTo(before0006);
    if (down.error) throw down.error;
    try {
      const { rows } = await sql<OldRow>`select user_id, activity_id, offset_seconds, hr, speed_mps, cadence, power_w from activity_samples`.execute(t.db);
      expect(sortRows(rows)).toEqual(sortRows(old));
    } finally {
      await migrateToLatest(t.db);
    }
  });
});
