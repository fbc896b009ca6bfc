// Migrations are the only way the schema changes: they apply in order, are recorded, are idempotent,
// and every `down` undoes its `up` exactly.
import { NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '#migrations/index';
import type { Db } from '#shared/db/connection';
import { migrateToLatest, migrator } from '#shared/db/migrate';
import { bookkeepingTables, introspectColumns, summarize } from '#scripts/db-types';
import { testDb, type TestDb } from '#test/support/db';

const names = Object.keys(migrations);
const latest = names[names.length - 1];

let t: TestDb;
let db: Db;

beforeAll(async () => {
  t = await testDb();
  db = t.db;
});
afterAll(async () => {
  await t?.close();
});

async function recorded(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Everything a migration can create, as text: columns, constraints, indexes, functions and triggers. */
async function fingerprint(): Promise<string[]> {
  const { rows } = await sql<{ line: string }>`
    select 'constraint ' || cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid) as line
    from pg_constraint co
    join pg_class cl on cl.oid = co.conrelid
    join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
    union all
    select 'index ' || indexdef from pg_indexes where schemaname = current_schema()
    union all
    select 'function ' || p.oid::regprocedure::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace and n.nspname = current_schema()
    union all
    select 'trigger ' || tgname || ' on ' || tgrelid::regclass::text
    from pg_trigger join pg_class cl on cl.oid = tgrelid
    join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
    where not tgisinternal
    union all
    select 'comment ' || cl.relname || '.' || a.attname || ' ' || d.description
    from pg_description d
    join pg_class cl on cl.oid = d.objoid and d.classoid = 'pg_class'::regclass
    join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
    join pg_attribute a on a.attrelid = cl.oid and a.attnum = d.objsubid
    union all
    select 'grant ' || privilege_type || ' on ' || table_name || ' to ' || grantee
    from information_schema.role_table_grants
    where table_schema = current_schema() and grantee <> current_user
    union all
    select 'default privileges ' || d.defaclobjtype::text || ' ' || coalesce(array_to_string(d.defaclacl, ','), '')
    from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace and n.nspname = current_schema()
    order by 1`.execute(db);
  const bookkeeping = new RegExp(`\\b(${bookkeepingTables.join('|')})\\b`);
  return [...summarize(await introspectColumns(db)).split('\n'), ...rows.map((r) => r.line)].filter((line) => line !== '' && !bookkeeping.test(line));
}

describe('migrations', () => {
  it('are listed in order under their file names', () => {
    expect(names).toEqual([...names].sort());
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
  });

  it('are all applied and recorded in a fresh database', async () => {
    expect(await recorded()).toEqual(names);
  });

  it('running them again is a no-op', async () => {
    const before = await fingerprint();
    const result = await migrateToLatest(db);
    expect(result.results).toEqual([]);
    expect(await recorded()).toEqual(names);
    expect(await fingerprint()).toEqual(before);
  });

  it('the latest one goes down and comes back up to the same schema', async () => {
    const before = await fingerprint();

    const down = await migrator(db).migrateDown();
    expect(down.error).toBeUndefined();
    expect(down.results).toEqual([{ migrationName: latest, direction: 'Down', status: 'Success' }]);
    expect(await recorded()).toEqual(names.slice(0, -1));
    expect(await fingerprint()).not.toEqual(before);

    const up = await migrateToLatest(db);
    expect(up.results).toEqual([{ migrationName: latest, direction: 'Up', status: 'Success' }]);
    expect(await recorded()).toEqual(names);
    expect(await fingerprint()).toEqual(before);
  });

  it('all of them go down to an empty schema, and up again from nothing', async () => {
    const before = await fingerprint();

    const down = await migrator(db).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(await recorded()).toEqual([]);
    expect(await fingerprint()).toEqual([]);

    await migrateToLatest(db);
    expect(await recorded()).toEqual(names);
    expect(await fingerprint()).toEqual(before);
  });
});
