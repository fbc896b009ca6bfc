// The schema's structure: every user-owned table is erased with its user and indexed by user_id, every
// foreign key has an index, updated_at keeps itself.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#shared/db/connection';
import { columns } from '#shared/db/schema';
import { testDb, type TestDb } from '#test/support/db';
import { type Rows, rowFactories } from '#test/support/rows';
import { rowsOf, seedEverything, tablesWithUserId } from '#test/support/seed';

let t: TestDb;
let db: Db;
let newUser: Rows['newUser'];
let insert: Rows['insert'];

beforeAll(async () => {
  t = await testDb();
  db = t.db;
  ({ newUser, insert } = rowFactories(db));
});
afterAll(async () => {
  await t?.close();
});

const userOwnedTables = () => tablesWithUserId(db);
const countRows = (table: string, userId: string) => rowsOf(db, table, userId);

/** A user with a row in every user-owned table (the shared seed), and rows that point at the user's own rows. */
async function seedUser(): Promise<string> {
  const id = await newUser();
  const seeded = await seedEverything(db, id);
  // Erasure then also crosses a refresh-token chain, a duplicate activity and a workout an activity completed.
  const token = await insert.refreshTokens(id);
  await insert.refreshTokens(id, { replaced_by: token, used_at: new Date() });
  await insert.activities(id, { source: 'strava', duplicate_of: seeded.activityId });
  await insert.scheduledWorkouts(id, seeded.planId, { state: 'completed', completed_activity_id: seeded.activityId });
  return id;
}

describe('erasure', () => {
  it('deleting a user deletes their rows in every user-owned table, and nobody else’s', async () => {
    const leaving = await seedUser();
    const staying = await seedUser();
    const tables = await userOwnedTables();
    // Everything but the users table itself belongs to a user, and the event outbox: infrastructure whose
    // rows live for the moment between a commit and its PutEvents (migration 0004).
    expect(tables).toEqual(
      Object.keys(columns)
        .filter((table) => table !== 'users' && table !== 'event_outbox')
        .sort(),
    );

    for (const table of tables) {
      // The seed must reach every user-owned table, or this test would prove nothing for it.
      const rows = await countRows(table, leaving);
      expect({ table, seeded: rows > 0 }).toEqual({ table, seeded: true });
    }
    const staysBefore = await Promise.all(tables.map((table) => countRows(table, staying)));

    await db.deleteFrom('users').where('id', '=', leaving).execute();

    for (const table of tables) expect({ table, left: await countRows(table, leaving) }).toEqual({ table, left: 0 });
    expect(await Promise.all(tables.map((table) => countRows(table, staying)))).toEqual(staysBefore);
  });

  it('deleting an activity drops its samples and tasks, and unlinks its workout and its duplicates', async () => {
    const runner = await newUser();
    const run = await insert.activities(runner, { source: 'garmin' });
    const copy = await insert.activities(runner, { source: 'strava', duplicate_of: run });
    await insert.activitySamples(runner, run);
    await insert.pendingTasks(runner, run);
    const plan = await insert.trainingPlans(runner);
    await insert.scheduledWorkouts(runner, plan, { state: 'completed', completed_activity_id: run });

    await db.deleteFrom('activities').where('id', '=', run).execute();

    expect(await countRows('activity_samples', runner)).toBe(0);
    expect(await countRows('pending_tasks', runner)).toBe(0);
    const workout = await db
      .selectFrom('scheduled_workouts')
      .select(['state', 'completed_activity_id'])
      .where('user_id', '=', runner)
      .executeTakeFirstOrThrow();
    expect(workout).toEqual({ state: 'completed', completed_activity_id: null });
    const survivor = await db.selectFrom('activities').select('duplicate_of').where('id', '=', copy).executeTakeFirstOrThrow();
    expect(survivor.duplicate_of).toBeNull();
  });

  it('every user_id is not null and references users on delete cascade', async () => {
    const { rows } = await sql<{ table_name: string; not_null: boolean; cascades: boolean }>`
      select cl.relname as table_name, a.attnotnull as not_null,
        exists (
          select 1 from pg_constraint co
          where co.conrelid = cl.oid and co.contype = 'f' and co.confrelid = 'users'::regclass
            and co.conkey = array[a.attnum] and co.confdeltype = 'c'
        ) as cascades
      from pg_attribute a
      join pg_class cl on cl.oid = a.attrelid and cl.relkind = 'r'
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      where a.attname = 'user_id' and not a.attisdropped
      order by 1`.execute(db);
    expect(rows.length).toBe((await userOwnedTables()).length);
    for (const row of rows) expect(row).toEqual({ table_name: row.table_name, not_null: true, cascades: true });
  });
});

describe('indexes', () => {
  it('every foreign key is backed by an index that leads with its columns', async () => {
    const { rows } = await sql<{ name: string; table_name: string; backed: boolean }>`
      select co.conname as name, cl.relname as table_name,
        exists (
          select 1 from pg_index i
          where i.indrelid = co.conrelid
            and (select array_agg(k order by k) from unnest((i.indkey::int2[])[0:cardinality(co.conkey) - 1]) k)
              = (select array_agg(k order by k) from unnest(co.conkey) k)
        ) as backed
      from pg_constraint co
      join pg_class cl on cl.oid = co.conrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      where co.contype = 'f'
      order by 1`.execute(db);
    expect(rows.length).toBeGreaterThan(14);
    expect(rows.filter((r) => !r.backed).map((r) => r.name)).toEqual([]);
  });

  it('every user-owned table has an index leading with user_id', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select distinct cl.relname as table_name
      from pg_index i
      join pg_class cl on cl.oid = i.indrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      join pg_attribute a on a.attrelid = cl.oid and a.attnum = i.indkey[0]
      where a.attname = 'user_id'
      order by 1`.execute(db);
    expect(rows.map((r) => r.table_name)).toEqual(await userOwnedTables());
  });
});

describe('updated_at', () => {
  it('moves forward on every update without the caller setting it', async () => {
    const id = await newUser({ created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' });
    await db.updateTable('users').set({ weight_kg: 63 }).where('id', '=', id).execute();
    const row = await db.selectFrom('users').select(['created_at', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.created_at.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(row.updated_at.getTime()).toBeGreaterThan(Date.parse('2024-01-01'));
  });
});
