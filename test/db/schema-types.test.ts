// shared/db/schema.ts is written by hand; these tests fail when it drifts from what the migrations build.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  activitySources,
  activityTypes,
  columns,
  connectedVendors,
  connectionStatuses,
  ingestVendors,
  notificationKinds,
  syncEntities,
  syncMutationStatuses,
  syncOps,
  pendingTaskKinds,
  pendingTaskStatuses,
  experienceLevels,
  loadBasisSources,
  planChangeTriggers,
  planStatuses,
  raceDistances,
  weekdays,
  preferredUnits,
  readinessLights,
  responderClasses,
  riskAlertKinds,
  sexes,
  workoutStates,
  workoutTypes,
  type Database,
} from '#shared/db/schema';
import { checkSchemaTypes, introspectColumns, type ColumnInfo } from '#scripts/db-types';
import { testDb, type TestDb } from '#test/support/db';

/** Every text column whose CHECK is a list of values, with the list schema.ts exports for it. */
const enumerations: Record<string, readonly string[]> = {
  'users.sex': sexes,
  'users.preferred_units': preferredUnits,
  'users.responder_classification': responderClasses,
  'vendor_connections.vendor': connectedVendors,
  'vendor_connections.status': connectionStatuses,
  'ingest_rejections.vendor': ingestVendors,
  'activities.source': activitySources,
  'activities.type': activityTypes,
  'daily_metrics.readiness_light': readinessLights,
  'training_plans.status': planStatuses,
  'scheduled_workouts.type': workoutTypes,
  'scheduled_workouts.state': workoutStates,
  'training_plans.goal_race_distance': raceDistances,
  'training_plans.long_run_day': weekdays,
  'training_plans.experience': experienceLevels,
  'training_plans.load_basis_source': loadBasisSources,
  'plan_changes.trigger': planChangeTriggers,
  'risk_alerts.kind': riskAlertKinds,
  'pending_tasks.kind': pendingTaskKinds,
  'pending_tasks.status': pendingTaskStatuses,
  'notifications.kind': notificationKinds,
  'sync_changes.entity': syncEntities,
  'sync_changes.op': syncOps,
  'sync_mutations.status': syncMutationStatuses,
};

let t: TestDb;
let live: ColumnInfo[];

beforeAll(async () => {
  t = await testDb();
  live = await introspectColumns(t.db);
});
afterAll(async () => {
  await t?.close();
});

function liveColumnsByTable(): Record<string, string[]> {
  const byTable: Record<string, string[]> = {};
  for (const c of live) (byTable[c.table] ??= []).push(c.column);
  return byTable;
}

describe('the Database interface and the migrated schema', () => {
  it('name the same columns of every table (checked by the compiler)', () => {
    type Listed = { -readonly [T in keyof typeof columns]: (typeof columns)[T][number] };
    type Declared = { [T in keyof Database]: keyof Database[T] };
    expectTypeOf<Listed>().toEqualTypeOf<Declared>();
  });

  it('have the same tables', () => {
    expect(Object.keys(liveColumnsByTable()).sort()).toEqual(Object.keys(columns).sort());
  });

  it('have the same columns in every table', () => {
    const byTable = liveColumnsByTable();
    for (const [table, listed] of Object.entries(columns)) {
      expect({ table, columns: [...(byTable[table] ?? [])].sort() }).toEqual({ table, columns: [...listed].sort() });
    }
  });

  it('agree on every column: read type, nullability, optional on insert, write type', async () => {
    expect(await checkSchemaTypes(live)).toEqual([]);
  });

  it('agree on every enumeration: the CHECK lists equal the exported value lists', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; definition: string }>`
      select cl.relname as table_name, a.attname as column_name, pg_get_constraintdef(co.oid) as definition
      from pg_constraint co
      join pg_class cl on cl.oid = co.conrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      join pg_attribute a on a.attrelid = co.conrelid and a.attnum = co.conkey[1]
      where co.contype = 'c' and cardinality(co.conkey) = 1`.execute(t.db);
    const inDatabase: Record<string, string[]> = {};
    for (const row of rows) {
      // `CHECK ((kind = ANY (ARRAY['a'::text, 'b'::text])))`, or `CHECK ((kind = 'a'::text))` for one value.
      const match = /^CHECK \(\((\w+) = (ANY \(ARRAY\[.*\]\)|'[^']*'::text)\)\)$/.exec(row.definition);
      if (!match?.[2]) continue;
      const values = [...match[2].matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => (m[1] ?? '').replaceAll("''", "'"));
      inDatabase[`${row.table_name}.${row.column_name}`] = values;
    }
    expect(inDatabase).toEqual(Object.fromEntries(Object.entries(enumerations).map(([k, v]) => [k, [...v]])));
  });
});

describe('values come back as schema.ts declares them', () => {
  it('DATE as the same YYYY-MM-DD text, timestamptz as Date, numbers as numbers, jsonb parsed, text[] as arrays', async () => {
    const user = await t.db
      .insertInto('users')
      .values({
        email: 'types@example.com',
        password_hash: 'hash',
        time_zone: 'Pacific/Kiritimati',
        dob: '1990-01-01',
        weight_kg: 61.5,
        notification_preferences: JSON.stringify({ risk_alert: false }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(user.dob).toBe('1990-01-01');
    expect(user.created_at).toBeInstanceOf(Date);
    expect(user.weight_kg).toBe(61.5);
    expect(user.week_start_day).toBe(1);
    expect(user.notification_preferences).toEqual({ risk_alert: false });

    // 23:30 UTC on the 31st is already the 1st in Kiritimati (UTC+14): the stored day is the one given.
    const activity = await t.db
      .insertInto('activities')
      .values({
        user_id: user.id,
        source: 'garmin',
        external_id: 'g-1',
        type: 'run',
        start_time: '2023-12-31T23:30:00Z',
        local_date: '2024-01-01',
        duration_minutes: 60,
        avg_hr: 150,
        internal_load: 420,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(activity.local_date).toBe('2024-01-01');
    expect(activity.start_time.toISOString()).toBe('2023-12-31T23:30:00.000Z');
    expect(activity.avg_hr).toBe(150);
    expect(activity.internal_load).toBe(420);

    const metrics = await t.db
      .insertInto('daily_metrics')
      .values({ user_id: user.id, date: '2024-01-01', readiness_reasons: JSON.stringify(['hrv_below_normal']) })
      .returning(['date', 'readiness_reasons'])
      .executeTakeFirstOrThrow();
    expect(metrics).toEqual({ date: '2024-01-01', readiness_reasons: ['hrv_below_normal'] });

    const link = await t.db
      .insertInto('vendor_connections')
      .values({ user_id: user.id, vendor: 'strava', vendor_user_id: '134815', scopes: ['read', 'activity:read_all'] })
      .returning('scopes')
      .executeTakeFirstOrThrow();
    expect(link.scopes).toEqual(['read', 'activity:read_all']);
  });
});
