// Migration 0012 stores of a sync answer only what its columns do not say. A replay gets the first answer
// back whichever way it was stored: the new way, or whole (rows written before the migration, which it leaves
// as they are); and going down gives every row its whole answer again, as the code before stored it.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivity } from '#shared/activities/service';
import type { MutationResult } from '#shared/contracts/sync';
import { migrations } from '#migrations/index';
import { migrateToLatest, migrator } from '#shared/db/migrate';
import { listNotifications } from '#shared/notifications/inbox';
import { pushMutations } from '#shared/sync/push';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { mutation } from '#test/support/sync';

const names = Object.keys(migrations);
const before0012 = names[names.indexOf('0012_sync_result_detail') - 1]!;
const NOW = new Date('2024-06-01T12:00:00Z');

let t: TestDb;
const deps = () => ({ db: t.db, publisher: { publish: async () => undefined }, now: NOW });

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await migrateToLatest(t.db);
  await t?.close();
});

/** The replay of a first answer: `duplicate`, with the first answer's status, id, reason and errors. */
const duplicateOf = ({ status, ...rest }: MutationResult) => ({ ...rest, status: 'duplicate', firstStatus: status });

describe('sync answers across migration 0012', () => {
  it('answer a replay with the first answer, stored the new way or whole, and go down to the whole answer', async () => {
    const { userId } = await createTestUser(t.db, { time_zone: 'Europe/Paris' });
    const { activity } = await createActivity(deps(), userId, { startTime: '2024-05-30T07:00:00+02:00', durationMinutes: 40 });
    const [notification] = await listNotifications(t.db, userId);
    const edit = (rpe: number, clientTimestamp: string) => mutation('activity', 'upsert', { id: activity.id, data: { rpe }, clientTimestamp });
    const batch = [
      mutation('activity', 'upsert', { data: { startTime: '2024-05-31T07:00:00+02:00', durationMinutes: 45, rpe: 5 } }),
      mutation('activity', 'upsert', { data: { startTime: '2024-05-31T09:00:00+02:00', durationMinutes: 45, rpe: 11 } }),
      mutation('dailyMetric', 'upsert', { data: { date: '2024-05-31', soreness: 3 } }),
      edit(7, '2024-06-01T09:00:00Z'),
      edit(3, '2024-06-01T08:00:00Z'),
      mutation('notification', 'read', { id: notification!.id }),
      mutation('task', 'skip', { id: randomUUID() }),
    ];
    const first = (await pushMutations(deps(), userId, batch)).results;
    expect(first.map((r) => [r.status, r.reason ?? null])).toEqual([
      ['applied', null],
      ['rejected', 'invalid'],
      ['applied', null],
      ['applied', null],
      ['conflict', 'stale'],
      ['applied', null],
      ['rejected', 'not_found'],
    ]);
    const replays = first.map(duplicateOf);
    expect((await pushMutations(deps(), userId, batch)).results).toEqual(replays);

    // Down: every row holds its whole answer again, as the code before 0012 stored it (and answered replays from).
    const down = await migrator(t.db).migrateTo(before0012);
    expect(down.error).toBeUndefined();
    const { rows } = await sql<{ client_mutation_id: string; result: unknown }>`
      select client_mutation_id, result from sync_mutations where user_id = ${userId}`.execute(t.db);
    expect(new Map(rows.map((r) => [r.client_mutation_id, r.result]))).toEqual(new Map(first.map((r) => [r.clientMutationId, r])));

    // Up again: the rows keep their whole answers, and a replay still gets each first answer.
    await migrateToLatest(t.db);
    expect((await pushMutations(deps(), userId, batch)).results).toEqual(replays);
    expect(await t.db.selectFrom('activities').select('id').where('user_id', '=', userId).execute()).toHaveLength(2);
  });
});
