// The role every function logs in as in AWS (migration 0011): it reads and writes the product tables and
// nothing else; the schema and the migration bookkeeping are the owner's.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DB_USER } from '#shared/db/roles';
import { testDb, type TestDb } from '#test/support/db';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

/** Runs `statement` as the application role, in a transaction that is always rolled back. */
async function asAppRole(statement: ReturnType<typeof sql>): Promise<void> {
  await t.db
    .transaction()
    .execute(async (trx) => {
      await sql`set local role ${sql.id(APP_DB_USER)}`.execute(trx);
      await statement.execute(trx);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
}
class RolledBack extends Error {}

describe('the application role', () => {
  it('may select, insert, update and delete in the product tables', async () => {
    await asAppRole(sql`select count(*) from users`);
    await asAppRole(sql`insert into event_outbox (detail_type, detail) values ('DailyMetricLogged', '{}'::jsonb)`);
    await asAppRole(sql`update activities set notes = notes where false`);
    await asAppRole(sql`delete from daily_metrics where false`);
  });

  it('gets the same rights on tables a later migration creates (default privileges)', async () => {
    await sql`create table later_migration_table (id int primary key)`.execute(t.db);
    try {
      await asAppRole(sql`insert into later_migration_table values (1)`);
      await asAppRole(sql`select * from later_migration_table`);
    } finally {
      await sql`drop table later_migration_table`.execute(t.db);
    }
  });

  it('may not change the schema', async () => {
    await expect(asAppRole(sql`create table intruder (id int)`)).rejects.toThrow(/permission denied/);
    await expect(asAppRole(sql`alter table users add column intruder int`)).rejects.toThrow(/must be (the )?owner|permission denied/);
    await expect(asAppRole(sql`drop table activities`)).rejects.toThrow(/must be (the )?owner|permission denied/);
  });

  it('may not read or write the migration bookkeeping', async () => {
    await expect(asAppRole(sql`select * from schema_migrations`)).rejects.toThrow(/permission denied/);
    await expect(asAppRole(sql`delete from schema_migrations_lock`)).rejects.toThrow(/permission denied/);
  });
});
