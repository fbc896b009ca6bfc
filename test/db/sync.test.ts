// Offline sync against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): the change feed and the
// batch of offline mutations, through the same services the single-item routes use.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivity, deleteActivity, getActivity, updateActivity } from '#shared/activities/service';
import { listOpenTasks } from '#shared/activities/tasks';
import { getMe, updateMe } from '#shared/account/profile';
import type { SyncChange } from '#shared/contracts/sync';
import type { OutgoingEvent } from '#shared/events/catalogue';
import type { EventPublisher } from '#shared/events/publisher';
import { listDailyMetrics, upsertDailyMetrics } from '#shared/metrics/daily-metrics';
import { listNotifications } from '#shared/notifications/inbox';
import { InvalidInput } from '#shared/errors';
import { decodeCursor, encodeCursor, pullChanges } from '#shared/sync/feed';
import { pruneSyncResults, pushMutations } from '#shared/sync/push';
import { migrator } from '#shared/db/migrate';
import { currentPlan, onboard } from '#shared/plans/service';
import { createTestUser } from '#test/support/auth';
import { seedPlan } from '#test/support/plans';
import { testDb, type TestDb } from '#test/support/db';
import { mutation } from '#test/support/sync';

const NOW = new Date('2024-06-01T12:00:00Z');
const clock = { now: () => NOW };

let t: TestDb;
let published: OutgoingEvent[];
const publisher: EventPublisher = { publish: async (events) => void published.push(...events) };
const deps = () => ({ db: t.db, publisher, now: NOW });

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  published = [];
});

const newUser = async () => (await createTestUser(t.db, { time_zone: 'Europe/Paris', resting_hr: 50, max_hr: 190, sex: 'female' })).userId;

/** Every page from the cursor on, as the app would pull them. */
async function pullAll(userId: string, cursor?: string, limit = 500) {
  const changes: SyncChange[] = [];
  let pages = 0;
  for (;;) {
    const page = await pullChanges(t.db, userId, { cursor, limit });
    pages += 1;
    changes.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, cursor, pages };
  }
}

const run = (startTime: string, extra: Record<string, unknown> = {}) => ({
  startTime,
  durationMinutes: 40,
  distanceMeters: 8000,
  avgHr: 150,
  maxHr: 170,
  ...extra,
});

describe('GET /sync: the change feed', () => {
  it('gives a new phone every entity once, each shaped as its own route answers it', async () => {
    const userId = await newUser();
    await updateMe(t.db, publisher, userId, { profile: { weightKg: 58 } }, NOW);
    const { activity: rated } = await createActivity(deps(), userId, run('2024-05-30T07:00:00+02:00', { rpe: 5 }));
    const { activity: unrated } = await createActivity(deps(), userId, run('2024-05-31T07:00:00+02:00'));
    await upsertDailyMetrics({ db: t.db, publisher, now: clock.now() }, userId, [
      { date: '2024-05-31', restingHr: 48, sleepDurationMinutes: 420, sleepQuality: 7 },
    ]);
    await t.db.insertInto('rolling_stats').values({ user_id: userId, date: '2024-05-30', load: 200, acute: 50, chronic: 14, acwr: 3.5, tsb: -36 }).execute();
    const alert = await t.db
      .insertInto('risk_alerts')
      .values({ user_id: userId, kind: 'acwr', date: '2024-05-30', metrics: JSON.stringify({ acwr: 3.5 }) })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Pages of 2: the cursor carries the app through without losing or repeating anything.
    const { changes, pages } = await pullAll(userId, undefined, 2);
    expect(pages).toBeGreaterThan(3);
    const byKey = new Map(changes.map((c) => [`${c.entity}:${c.id}`, c]));
    expect(byKey.size).toBe(changes.length);
    const [task] = await listOpenTasks(t.db, userId);
    const [reminder] = await listNotifications(t.db, userId);
    expect(byKey.get(`profile:${userId}`)?.data).toEqual(await getMe(t.db, userId));
    expect(byKey.get(`activity:${rated.id}`)?.data).toEqual(await getActivity(t.db, userId, rated.id));
    expect(byKey.get(`activity:${unrated.id}`)?.data).toEqual(unrated);
    expect(byKey.get('dailyMetric:2024-05-31')?.data).toEqual((await listDailyMetrics(t.db, userId, { from: '2024-05-31', to: '2024-05-31' }))[0]);
    expect(byKey.get('loadDay:2024-05-30')?.data).toEqual({
      date: '2024-05-30',
      load: 200,
      acute: 50,
      chronic: 14,
      acwr: 3.5,
      tsb: -36,
      monotony: null,
      strain: null,
    });
    expect(byKey.get(`alert:${alert.id}`)?.data).toEqual({ id: alert.id, kind: 'acwr', date: '2024-05-30', metrics: { acwr: 3.5 } });
    expect(byKey.get(`task:${task!.id}`)?.data).toEqual(task);
    expect(byKey.get(`notification:${reminder!.id}`)?.data).toEqual(reminder);
    expect(changes).toHaveLength(8);
    expect(changes.every((c) => c.op === 'upsert')).toBe(true);
  });

  it('sends an entity changed many times once, in its latest state, and nothing when nothing changed', async () => {
    const userId = await newUser();
    const { activity } = await createActivity(deps(), userId, run('2024-05-30T07:00:00+02:00'));
    const { cursor } = await pullAll(userId);
    for (const rpe of [3, 4, 5, 6]) await updateActivity(deps(), userId, activity.id, { rpe });
    const { changes, cursor: next } = await pullAll(userId, cursor);
    const activities = changes.filter((c) => c.entity === 'activity');
    expect(activities).toEqual([{ entity: 'activity', id: activity.id, op: 'upsert', data: expect.objectContaining({ rpe: 6, internalLoad: 240 }) }]);
    // RPE closed the task: it comes as done.
    expect(changes.find((c) => c.entity === 'task')?.data).toMatchObject({ status: 'done', activityId: activity.id });
    expect(await pullChanges(t.db, userId, { cursor: next, limit: 500 })).toEqual({ changes: [], nextCursor: next, hasMore: false });
  });

  it('sends deletions as tombstones, including the rows a delete cascaded to', async () => {
    const userId = await newUser();
    const { activity } = await createActivity(deps(), userId, run('2024-05-30T07:00:00+02:00'));
    const [task] = await listOpenTasks(t.db, userId);
    const [reminder] = await listNotifications(t.db, userId);
    const { cursor } = await pullAll(userId);
    await deleteActivity(deps(), userId, activity.id);
    const { changes } = await pullAll(userId, cursor);
    expect(changes).toEqual(
      expect.arrayContaining([
        { entity: 'activity', id: activity.id, op: 'delete', data: null },
        // pending_tasks rows go by ON DELETE CASCADE from the activity.
        { entity: 'task', id: task!.id, op: 'delete', data: null },
        { entity: 'notification', id: reminder!.id, op: 'delete', data: null },
      ]),
    );
    expect(changes).toHaveLength(3);
    // A new phone is not told about what it never had.
    expect((await pullAll(userId)).changes.filter((c) => c.op === 'delete')).toEqual([]);
  });

  it('shows a user only their own changes, whatever cursor they hold', async () => {
    const ana = await newUser();
    const bob = await newUser();
    const { activity } = await createActivity(deps(), ana, run('2024-05-30T07:00:00+02:00'));
    const bobs = await pullAll(bob);
    expect(bobs.changes.map((c) => c.entity)).toEqual(['profile']);
    expect(JSON.stringify(bobs.changes)).not.toContain(activity.id);
    expect(JSON.stringify((await pullAll(bob, encodeCursor(0))).changes)).not.toContain(activity.id);
  });

  it('follows what GET /me shows of the account, not its credentials', async () => {
    const userId = await newUser();
    const { cursor } = await pullAll(userId);
    await t.db.updateTable('users').set({ password_hash: 'scrypt$15$8$3$new' }).where('id', '=', userId).execute();
    expect((await pullAll(userId, cursor)).changes).toEqual([]);
    await updateMe(t.db, publisher, userId, { settings: { weekStartDay: 7 } }, NOW);
    expect((await pullAll(userId, cursor)).changes).toEqual([{ entity: 'profile', id: userId, op: 'upsert', data: await getMe(t.db, userId) }]);
  });

  it('refuses a cursor it did not give', async () => {
    const userId = await newUser();
    for (const cursor of ['nonsense', encodeCursor(1).slice(1), Buffer.from('v1:-1').toString('base64url')]) {
      // InvalidInput is 400 at the API (test/unit/http-errors.test.ts).
      await expect(pullChanges(t.db, userId, { cursor, limit: 10 })).rejects.toBeInstanceOf(InvalidInput);
    }
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    // A cursor beyond the account (another account's, or one erased and made again) would wait forever.
    await expect(pullChanges(t.db, userId, { cursor: encodeCursor(1000), limit: 10 })).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('training plans in the feed and in the batch', () => {
  const onboarding = {
    goal: { raceDistance: '10k' as const, raceDate: '2024-08-25' },
    availability: { daysPerWeek: 4, longRunDay: 'sun' as const },
    current: { weeklyMinutes: 150, experience: 'intermediate' as const },
  };

  it('sends the plan, its workouts and its change log as their routes show them; a replaced workout as a tombstone', async () => {
    const userId = await newUser();
    const { cursor } = await pullAll(userId);
    const created = await onboard(t.db, publisher, userId, onboarding, NOW);
    const { changes } = await pullAll(userId, cursor);
    const of = (entity: string) => changes.filter((c) => c.entity === entity);
    expect(of('plan')).toEqual([{ entity: 'plan', id: created.plan.id, op: 'upsert', data: created.plan }]);
    expect(of('planChange')).toEqual([expect.objectContaining({ op: 'upsert', data: expect.objectContaining({ version: 1, trigger: 'onboarding' }) })]);
    const workouts = new Map(of('workout').map((c) => [c.id, c.data]));
    for (const w of created.workouts) expect(workouts.get(w.id)).toEqual(w);

    // A second onboarding cancels the plan; its future workouts stay rows, but the app hears what is current.
    const { cursor: before } = await pullAll(userId);
    const again = await onboard(t.db, publisher, userId, { ...onboarding, goal: { ...onboarding.goal, raceDate: '2024-09-01' } }, NOW);
    const after = (await pullAll(userId, before)).changes;
    expect(after.find((c) => c.entity === 'plan' && c.id === created.plan.id)?.data).toMatchObject({ status: 'cancelled' });
    expect(after.find((c) => c.entity === 'plan' && c.id === again.plan.id)?.data).toEqual(again.plan);
  });

  it('skips and completes workouts: a skip is announced as WorkoutMissed, a done workout cannot be skipped', async () => {
    const userId = await newUser();
    const plan = await onboard(t.db, publisher, userId, onboarding, NOW);
    const [first, second, third] = plan.workouts;
    const { activity } = await createActivity(deps(), userId, run('2024-06-01T07:00:00+02:00', { rpe: 5 }));
    published = [];
    const { results } = await pushMutations(deps(), userId, [
      mutation('workout', 'skip', { id: first!.id }),
      mutation('workout', 'complete', { id: second!.id, data: { activityId: activity.id } }),
      mutation('workout', 'complete', { id: third!.id, data: { activityId: activity.id } }),
      mutation('workout', 'skip', { id: second!.id, clientTimestamp: '2024-06-01T09:00:00Z' }),
      mutation('workout', 'complete', { id: third!.id, data: { activityId: randomUUID() }, clientTimestamp: '2024-06-01T09:00:00Z' }),
    ]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', undefined],
      ['applied', undefined],
      ['conflict', 'closed'],
      ['conflict', 'closed'],
      ['rejected', 'not_found'],
    ]);
    expect(published).toEqual([{ detailType: 'WorkoutMissed', detail: { userId, scheduledWorkoutId: first!.id, date: first!.date } }]);
    const now = await currentPlan(t.db, userId, { weeks: 'all' }, NOW);
    expect(now.workouts.find((w) => w.id === first!.id)?.state).toBe('skipped');
    expect(now.workouts.find((w) => w.id === second!.id)).toMatchObject({ state: 'completed', completedActivityId: activity.id });
  });
});

describe('POST /sync and the plan', () => {
  it("completes the planned workout of an entry's day, as POST /activities does", async () => {
    const userId = await newUser();
    const { workoutIds } = await seedPlan(t.db, userId, {
      start: '2024-05-20',
      raceDate: '2024-08-25',
      workouts: [
        { date: '2024-05-30', type: 'easy', minutes: 40 },
        { date: '2024-05-31', type: 'easy', minutes: 45 },
      ],
    });
    const [done] = (await pushMutations(deps(), userId, [mutation('activity', 'upsert', { data: run('2024-05-30T18:00:00+02:00', { rpe: 4 }) })])).results;
    const workouts = await t.db
      .selectFrom('scheduled_workouts')
      .select(['id', 'state', 'completed_activity_id'])
      .where('user_id', '=', userId)
      .orderBy('date')
      .execute();
    expect(workouts).toEqual([
      { id: workoutIds[0], state: 'completed', completed_activity_id: done!.id },
      { id: workoutIds[1], state: 'planned', completed_activity_id: null },
    ]);
  });
});

describe('migration 0008', () => {
  it('enters the rows that existed before it into the feed, numbered per user from 1', async () => {
    const own = await testDb();
    try {
      const m = migrator(own.db);
      // Back to just before 0008 (the activity service writes the columns of 0005-0007).
      const down = await m.migrateTo('0007_resilience');
      expect(down.error).toBeUndefined();
      const userId = (await createTestUser(own.db)).userId;
      const { activity } = await createActivity({ db: own.db, publisher, now: NOW }, userId, run('2024-05-30T07:00:00+02:00'));
      expect((await m.migrateToLatest()).error).toBeUndefined();
      const changes = (await pullChanges(own.db, userId, { limit: 100 })).changes;
      expect(changes.map((c) => c.entity).sort()).toEqual(['activity', 'notification', 'profile', 'task']);
      expect(changes.find((c) => c.entity === 'activity')?.data).toEqual(activity);
      // New changes continue the user's numbering.
      const before = await pullChanges(own.db, userId, { limit: 100 });
      expect(decodeCursor(before.nextCursor)).toBe(4);
      await updateActivity({ db: own.db, publisher, now: NOW }, userId, activity.id, { rpe: 5 });
      const after = await pullChanges(own.db, userId, { cursor: before.nextCursor, limit: 100 });
      expect(after.changes.map((c) => c.entity).sort()).toEqual(['activity', 'notification', 'task']);
    } finally {
      await own.close();
    }
  });
});

// Two connections to one server: PGlite is a single connection, so this runs on PostgreSQL (CI's second pass).
describe.runIf(process.env.TEST_DATABASE_URL)('the cursor and overlapping transactions (PostgreSQL)', () => {
  it('never skips a change committed late by a transaction that numbered it first', async () => {
    const userId = await newUser();
    const { cursor: start } = await pullAll(userId);
    const first = new pg.Client({ connectionString: t.url });
    const second = new pg.Client({ connectionString: t.url });
    await first.connect();
    await second.connect();
    try {
      const insert = `insert into activities (user_id, source, type, start_time, local_date, duration_minutes)
                      values ($1, 'manual', 'run', $2, $3, 30) returning id`;
      // T1 writes first and stays open: its change is numbered, and the user's counter is locked until it ends.
      await first.query('begin');
      const a = await first.query<{ id: string }>(insert, [userId, '2024-05-01T07:00:00Z', '2024-05-01']);
      // T2 starts after T1 and writes too: it cannot be numbered before T1 ends.
      await second.query('begin');
      const pidOfSecond = (await second.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const secondWrite = second.query<{ id: string }>(insert, [userId, '2024-05-02T07:00:00Z', '2024-05-02']);
      await waitUntilBlocked(pidOfSecond);

      // Meanwhile the app pulls: nothing committed, nothing sent, and its cursor stays where it was.
      const during = await pullChanges(t.db, userId, { cursor: start, limit: 500 });
      expect(during).toEqual({ changes: [], nextCursor: start, hasMore: false });

      await first.query('commit');
      const b = await secondWrite;
      const afterFirst = await pullChanges(t.db, userId, { cursor: start, limit: 500 });
      expect(afterFirst.changes.map((c) => c.id)).toEqual([a.rows[0]!.id]);
      await second.query('commit');
      const afterSecond = await pullChanges(t.db, userId, { cursor: afterFirst.nextCursor, limit: 500 });
      expect(afterSecond.changes.map((c) => c.id)).toEqual([b.rows[0]!.id]);
      expect(decodeCursor(afterSecond.nextCursor)).toBe(decodeCursor(afterFirst.nextCursor)! + 1);
    } finally {
      await first.end();
      await second.end();
    }
  });

  /** Polls pg_stat_activity until the backend waits on a lock (no timing assumed: it waits as long as it takes). */
  async function waitUntilBlocked(pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      for (;;) {
        const { rows } = await client.query<{ blocked: boolean }>(`select wait_event_type = 'Lock' as blocked from pg_stat_activity where pid = $1`, [pid]);
        if (rows[0]?.blocked) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await client.end();
    }
  }
});

describe('POST /sync: a batch of offline changes', () => {
  it('applies each mutation once: a replayed batch is answered duplicate and changes nothing', async () => {
    const userId = await newUser();
    const batch = [
      mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00', { rpe: 6, externalId: 'phone-1' }) }),
      mutation('dailyMetric', 'upsert', { data: { date: '2024-05-31', soreness: 3 } }),
    ];
    const first = await pushMutations(deps(), userId, batch);
    expect(first.results).toEqual([
      { clientMutationId: batch[0]!.clientMutationId, status: 'applied', id: expect.any(String) },
      { clientMutationId: batch[1]!.clientMutationId, status: 'applied', id: '2024-05-31' },
    ]);
    expect(published.map((e) => e.detailType).sort()).toEqual(['ActivityRecorded', 'DailyMetricLogged']);
    const { cursor } = await pullAll(userId);

    published = [];
    const replay = await pushMutations(deps(), userId, [...batch, batch[0]!]);
    expect(replay.results).toEqual([
      { clientMutationId: batch[0]!.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first.results[0]!.id },
      { clientMutationId: batch[1]!.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: '2024-05-31' },
      { clientMutationId: batch[0]!.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first.results[0]!.id },
    ]);
    expect(published).toEqual([]);
    expect((await pullAll(userId, cursor)).changes).toEqual([]);
    expect(await t.db.selectFrom('activities').select('id').where('user_id', '=', userId).execute()).toHaveLength(1);
  });

  it('answers a replay as first delivered even when what it carries now would be refused', async () => {
    const userId = await newUser();
    const m = mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00', { rpe: 4 }) });
    const [first] = (await pushMutations(deps(), userId, [m])).results;
    const broken = { ...m, data: run('2024-05-30T07:00:00+02:00', { rpe: 11 }) };
    const { results } = await pushMutations(deps(), userId, [broken, broken]);
    expect(results).toEqual([
      { clientMutationId: m.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first!.id },
      { clientMutationId: m.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first!.id },
    ]);
    expect(await getActivity(t.db, userId, first!.id!)).toMatchObject({ rpe: 4 });
  });

  it('answers a mutation repeated inside one batch once, as applied then duplicate', async () => {
    const userId = await newUser();
    const m = mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00', { rpe: 4 }) });
    const { results } = await pushMutations(deps(), userId, [m, m]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'duplicate']);
    expect(await t.db.selectFrom('activities').select('id').where('user_id', '=', userId).execute()).toHaveLength(1);
  });

  it('knows a replay whose clientMutationId the app spells in capitals', async () => {
    const userId = await newUser();
    const m = mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00', { rpe: 4 }) });
    const [first] = (await pushMutations(deps(), userId, [m])).results;
    const shouted = { ...m, clientMutationId: m.clientMutationId.toUpperCase() };
    const { results } = await pushMutations(deps(), userId, [shouted, { ...m, data: run('2024-05-30T07:00:00+02:00', { rpe: 9 }) }]);
    expect(results).toEqual([
      { clientMutationId: shouted.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first!.id },
      { clientMutationId: m.clientMutationId, status: 'duplicate', firstStatus: 'applied', id: first!.id },
    ]);
    expect(await getActivity(t.db, userId, first!.id!)).toMatchObject({ rpe: 4 });
  });

  it('announces a batch of activities as one ActivityRecorded, from the earliest day it changed', async () => {
    const userId = await newUser();
    const { activity: earlier } = await createActivity(deps(), userId, run('2024-05-20T07:00:00+02:00', { rpe: 3 }));
    published = [];
    const { results } = await pushMutations(deps(), userId, [
      mutation('activity', 'upsert', { data: run('2024-05-29T07:00:00+02:00', { rpe: 5 }) }),
      mutation('activity', 'upsert', { id: earlier.id, data: { rpe: 6 } }),
      mutation('activity', 'upsert', { data: run('2024-05-25T07:00:00+02:00', { rpe: 4 }) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(published).toEqual([{ detailType: 'ActivityRecorded', detail: { userId, activityId: earlier.id, localDate: '2024-05-20', change: 'updated' } }]);
    // Nothing left behind for the relay.
    expect(await t.db.selectFrom('event_outbox').select('id').where(sql<boolean>`detail->>'userId' = ${userId}`).execute()).toEqual([]);
  });

  it('rejects the bad items, naming their fields, and applies the others', async () => {
    const userId = await newUser();
    const batch = [
      mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00', { rpe: 11 }) }),
      mutation('activity', 'upsert', { data: run('2024-05-30T09:00:00+02:00', { distanceMeters: 40000 }) }),
      mutation('activity', 'upsert', { data: run('2024-05-30T18:00:00+02:00', { rpe: 5 }) }),
      mutation('dailyMetric', 'upsert', { data: { date: '2024-06-05', soreness: 2 } }),
      mutation('dailyMetric', 'upsert', { data: { date: '2024-05-31', soreness: 2 } }),
      mutation('notification', 'read', { id: randomUUID() }),
      mutation('notification', 'upsert', { id: randomUUID() }),
      mutation('task', 'skip'),
      mutation('workout', 'skip', { id: randomUUID() }),
    ];
    const { results } = await pushMutations(deps(), userId, batch);
    expect(results.map((r) => [r.status, r.reason, r.errors?.map((e) => e.field)])).toEqual([
      ['rejected', 'invalid', ['mutations.0.data.rpe']],
      ['rejected', 'invalid', ['mutations.1.data.distanceMeters']],
      ['applied', undefined, undefined],
      ['rejected', 'invalid', ['mutations.3.data.date']],
      ['applied', undefined, undefined],
      ['rejected', 'not_found', ['mutations.5.id']],
      ['rejected', 'invalid', ['mutations.6.op']],
      ['rejected', 'invalid', ['mutations.7.id']],
      ['rejected', 'not_found', ['mutations.8.id']],
    ]);
    const stored = await t.db.selectFrom('activities').select(['rpe']).where('user_id', '=', userId).execute();
    expect(stored).toEqual([{ rpe: 5 }]);
    expect((await listDailyMetrics(t.db, userId, { from: '2024-05-01', to: '2024-06-30' })).map((d) => d.date)).toEqual(['2024-05-31']);
  });

  it('lets the newer change win by clientTimestamp, and a change to something deleted lose', async () => {
    const userId = await newUser();
    const { activity } = await createActivity(deps(), userId, run('2024-05-30T07:00:00+02:00'));
    const edit = (rpe: number, at: string) => mutation('activity', 'upsert', { id: activity.id, data: { rpe }, clientTimestamp: at });
    const { results } = await pushMutations(deps(), userId, [edit(7, '2024-06-01T09:00:00Z'), edit(3, '2024-06-01T08:00:00Z')]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', undefined],
      ['conflict', 'stale'],
    ]);
    // A phone that was offline longer sends an older edit in a later batch: it loses too.
    const late = await pushMutations(deps(), userId, [edit(2, '2024-06-01T07:00:00Z')]);
    expect(late.results[0]).toMatchObject({ status: 'conflict', reason: 'stale', id: activity.id });
    expect((await getActivity(t.db, userId, activity.id)).rpe).toBe(7);
    // A newer one wins; a clock ahead of the server's counts as now, so it cannot block later edits forever.
    const ahead = await pushMutations(deps(), userId, [edit(8, '2030-01-01T00:00:00Z')]);
    expect(ahead.results[0]!.status).toBe('applied');
    expect((await pushMutations(deps(), userId, [edit(9, NOW.toISOString())])).results[0]!.status).toBe('applied');

    await deleteActivity(deps(), userId, activity.id);
    const afterDelete = await pushMutations(deps(), userId, [
      edit(5, NOW.toISOString()),
      mutation('activity', 'delete', { id: activity.id, clientTimestamp: NOW.toISOString() }),
    ]);
    expect(afterDelete.results.map((r) => [r.status, r.reason])).toEqual([
      ['conflict', 'deleted'],
      ['conflict', 'deleted'],
    ]);
  });

  it('reads notifications, answers and dismisses RPE tasks, as the single routes would', async () => {
    const userId = await newUser();
    const { activity: one } = await createActivity(deps(), userId, run('2024-05-29T07:00:00+02:00'));
    const { activity: two } = await createActivity(deps(), userId, run('2024-05-30T07:00:00+02:00'));
    const tasks = await listOpenTasks(t.db, userId);
    const taskOf = (id: string) => tasks.find((task) => task.activityId === id)!.id;
    const notifications = await listNotifications(t.db, userId);
    published = [];
    const { results } = await pushMutations(deps(), userId, [
      mutation('task', 'complete', { id: taskOf(one.id), data: { rpe: 6 } }),
      mutation('task', 'skip', { id: taskOf(two.id) }),
      ...notifications.map((n) => mutation('notification', 'read', { id: n.id })),
      mutation('task', 'skip', { id: taskOf(one.id) }),
    ]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', undefined],
      ['applied', undefined],
      ...notifications.map(() => ['applied', undefined]),
      ['conflict', 'closed'],
    ]);
    expect(await getActivity(t.db, userId, one.id)).toMatchObject({ rpe: 6, internalLoad: 240 });
    expect(await listOpenTasks(t.db, userId)).toEqual([]);
    expect((await listNotifications(t.db, userId)).every((n) => n.read)).toBe(true);
    expect(published.filter((e) => e.detailType === 'ActivityRecorded')).toHaveLength(1);
  });

  it("cannot touch another user's entities, and says so as if they did not exist", async () => {
    const ana = await newUser();
    const bob = await newUser();
    const { activity } = await createActivity(deps(), ana, run('2024-05-30T07:00:00+02:00'));
    const [notification] = await listNotifications(t.db, ana);
    const { results } = await pushMutations(deps(), bob, [
      mutation('activity', 'upsert', { id: activity.id, data: { rpe: 2 } }),
      mutation('activity', 'delete', { id: activity.id }),
      mutation('notification', 'read', { id: notification!.id }),
    ]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'not_found'],
      ['rejected', 'not_found'],
      ['rejected', 'not_found'],
    ]);
    expect(await getActivity(t.db, ana, activity.id)).toEqual(activity);
    expect((await listNotifications(t.db, ana))[0]!.read).toBe(false);
  });

  it('gives a cursor from which the app pulls what the batch caused', async () => {
    const userId = await newUser();
    await pullAll(userId);
    const { results, cursor } = await pushMutations(deps(), userId, [mutation('activity', 'upsert', { data: run('2024-05-30T07:00:00+02:00') })]);
    const { changes } = await pullAll(userId, cursor);
    expect(changes.map((c) => c.entity).sort()).toEqual(['activity', 'notification', 'task']);
    expect(changes.find((c) => c.entity === 'activity')).toMatchObject({ id: results[0]!.id, data: { internalLoad: null, trimp: expect.any(Number) } });
  });

  it('keeps answers 35 days', async () => {
    const userId = await newUser();
    const m = mutation('dailyMetric', 'upsert', { data: { date: '2024-05-31', mood: 7 } });
    await pushMutations(deps(), userId, [m]);
    expect(await pruneSyncResults(t.db, new Date(Date.now() + 34 * 86_400_000))).toBe(0);
    expect((await pushMutations(deps(), userId, [m])).results[0]!.status).toBe('duplicate');
    expect(await pruneSyncResults(t.db, new Date(Date.now() + 36 * 86_400_000))).toBeGreaterThanOrEqual(1);
  });
});
