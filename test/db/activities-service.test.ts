// The activity service against a real database: upserts, duplicates, RPE tasks, rejections, events.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyActivityOps, createActivity, deleteActivity, listActivities, updateActivity } from '#shared/activities/service';
import type { ActivityOp } from '#shared/activities/activity-ops';
import { listOpenTasks } from '#shared/activities/tasks';
import { listRejections } from '#shared/activities/rejections';
import { listNotifications } from '#shared/notifications/inbox';
import type { OutgoingEvent } from '#shared/events/catalogue';
import { publishEnqueued } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';
import { testDb, type TestDb } from '#test/support/db';
import { storedSamples } from '#test/support/samples';

const NOW = new Date('2024-06-01T12:00:00Z');

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

async function newUser(values: { time_zone?: string; resting_hr?: number; max_hr?: number; sex?: 'female' | 'male' } = {}) {
  const row = await t.db
    .insertInto('users')
    .values({ email: `u${Math.random().toString(36).slice(2)}@example.com`, password_hash: 'x', time_zone: 'Europe/Paris', ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const garminRun: ActivityCandidate = {
  source: 'garmin',
  externalId: '13012345678',
  type: 'run',
  startTime: '2024-05-19T09:02:11Z',
  durationMinutes: 3391 / 60,
  distanceMeters: 12043.7,
  avgHr: 158,
  maxHr: 181,
  elevationGainMeters: 64,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: 'forerunner965',
};
const stravaRun: ActivityCandidate = { ...garminRun, source: 'strava', externalId: '11472130281', deviceName: 'Garmin Forerunner 965' };

async function apply(ops: ActivityOp[]) {
  const applied = await t.db.transaction().execute((trx) => applyActivityOps(trx, ops, { now: NOW }));
  await publishEnqueued(t.db, publisher, applied.enqueued);
  return applied.results;
}

const activitiesOf = (userId: string) => t.db.selectFrom('activities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();

describe('a vendor activity', () => {
  it('becomes one activity, with a pending RPE task and a notification, however often it is delivered', async () => {
    const userId = await newUser();
    const op: ActivityOp = { kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' };
    const [first] = await apply([op]);
    expect(first).toMatchObject({ kind: 'created' });
    expect(await apply([op, op])).toEqual([expect.objectContaining({ kind: 'unchanged' }), expect.objectContaining({ kind: 'unchanged' })]);
    const rows = await activitiesOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ local_date: '2024-05-19', internal_load: null, duplicate_of: null, utc_offset_minutes: 120 });
    const tasks = await listOpenTasks(t.db, userId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'enter_rpe', activityId: rows[0]!.id, activity: { type: 'run', localDate: '2024-05-19' } });
    const notifications = await listNotifications(t.db, userId);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ kind: 'pending_task', read: false, data: { activityId: rows[0]!.id, taskId: tasks[0]!.id } });
    // No RPE and no HR baseline: nothing counts yet, so nothing to announce.
    expect(published).toEqual([]);
  });

  it('from Garmin and from Strava is counted once, and the Strava RPE fills the gap', async () => {
    const userId = await newUser();
    await apply([{ kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' }]);
    const [second] = await apply([{ kind: 'upsert', userId, candidate: { ...stravaRun, rpe: 6 }, origin: 'vendor' }]);
    const [garmin, strava] = await activitiesOf(userId);
    expect(second).toMatchObject({ kind: 'created', duplicateOf: garmin!.id });
    expect(strava).toMatchObject({ duplicate_of: garmin!.id, internal_load: null, trimp: null, rpe: 6 });
    expect(garmin).toMatchObject({ duplicate_of: null, rpe: 6, internal_load: (3391 / 60) * 6 });
    expect(await listOpenTasks(t.db, userId)).toEqual([]);
    expect(published).toEqual([{ detailType: 'ActivityRecorded', detail: { userId, activityId: garmin!.id, localDate: '2024-05-19', change: 'updated' } }]);
  });

  it('is rejected with its reason when impossible, and the rejection is replaced, not repeated', async () => {
    const userId = await newUser();
    const bad: ActivityCandidate = { ...garminRun, avgHr: 300, maxHr: 310 };
    const [result] = await apply([{ kind: 'upsert', userId, candidate: bad, origin: 'vendor' }]);
    expect(result).toMatchObject({ kind: 'rejected', field: 'avgHr' });
    await apply([{ kind: 'upsert', userId, candidate: bad, origin: 'vendor' }]);
    const rejections = await listRejections(t.db, userId);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ vendor: 'garmin', externalId: '13012345678', field: 'avgHr', type: 'run' });
    expect(rejections[0]!.reason).toMatch(/300 bpm/);
    expect(await activitiesOf(userId)).toEqual([]);
    // A corrected version is accepted and the rejection goes away.
    await apply([{ kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' }]);
    expect(await listRejections(t.db, userId)).toEqual([]);
  });

  it('stores samples set-based and computes TRIMP from them', async () => {
    const userId = await newUser({ resting_hr: 50, max_hr: 190, sex: 'male' });
    const samples = Array.from({ length: 3391 }, (_, i) => ({ offsetSeconds: i, hr: 150 + (i % 10), paceSecondsPerKm: 280, cadence: 170 }));
    await apply([{ kind: 'upsert', userId, candidate: { ...garminRun, samples }, origin: 'vendor' }]);
    const [row] = await activitiesOf(userId);
    const stored = await storedSamples(t.db, row!.id);
    expect(stored).toHaveLength(3391);
    expect(stored[3390]).toEqual({ offsetSeconds: 3390, hr: 150, speedMps: 1000 / 280, cadence: 170, powerW: null });
    expect(row!.trimp).toBeGreaterThan(0);
    expect(published).toEqual([{ detailType: 'ActivityRecorded', detail: expect.objectContaining({ activityId: row!.id, change: 'created' }) }]);
    // A summary without samples keeps them and the TRIMP.
    published = [];
    await apply([{ kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' }]);
    const [again] = await activitiesOf(userId);
    expect(again!.trimp).toBe(row!.trimp);
    expect(published).toEqual([]);
  });

  it('deleted by the vendor is removed; a deleted counted copy hands over to its duplicate', async () => {
    const userId = await newUser();
    await apply([
      { kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' },
      { kind: 'upsert', userId, candidate: stravaRun, origin: 'vendor' },
    ]);
    const rows = await activitiesOf(userId);
    const garmin = rows.find((r) => r.source === 'garmin');
    const strava = rows.find((r) => r.source === 'strava');
    expect(strava!.duplicate_of).toBe(garmin!.id);
    await updateActivity(deps(), userId, garmin!.id, { rpe: 7 });
    published = [];
    const [deleted] = await apply([{ kind: 'delete', userId, source: 'garmin', externalId: '13012345678' }]);
    expect(deleted).toEqual({ kind: 'deleted', activityId: garmin!.id });
    const left = await activitiesOf(userId);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ id: strava!.id, duplicate_of: null, rpe: 7, internal_load: (3391 / 60) * 7 });
    expect(published.map((e) => (e.detail as { change: string }).change).sort()).toEqual(['deleted', 'updated']);
  });
});

describe('concurrent deliveries', () => {
  it('of one activity in ten transactions at once make one activity, one task and one notification', async () => {
    const userId = await newUser();
    const op: ActivityOp = { kind: 'upsert', userId, candidate: { ...garminRun, externalId: 'concurrent-1' }, origin: 'vendor' };
    const results = await Promise.all(Array.from({ length: 10 }, () => apply([op])));
    expect(results.flat().filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(await activitiesOf(userId)).toHaveLength(1);
    expect(await listOpenTasks(t.db, userId)).toHaveLength(1);
    expect(await listNotifications(t.db, userId)).toHaveLength(1);
  });

  it('of the Garmin and Strava copies at once count the run once', async () => {
    const userId = await newUser();
    await Promise.all([
      apply([{ kind: 'upsert', userId, candidate: garminRun, origin: 'vendor' }]),
      apply([{ kind: 'upsert', userId, candidate: stravaRun, origin: 'vendor' }]),
    ]);
    const rows = await activitiesOf(userId);
    expect(rows.filter((r) => r.duplicate_of === null)).toHaveLength(1);
    expect(rows).toHaveLength(2);
  });
});

describe('the app', () => {
  it('creates an activity idempotently by externalId, validates it, and PATCH rpe sets the load and closes the task', async () => {
    const userId = await newUser();
    const body = { startTime: '2024-05-30T07:00:00+02:00', durationMinutes: 45, distanceMeters: 9000, externalId: 'app-1' };
    const first = await createActivity(deps(), userId, body);
    expect(first.created).toBe(true);
    expect(first.activity).toMatchObject({
      source: 'manual',
      externalId: 'app-1',
      type: 'run',
      localDate: '2024-05-30',
      startTime: '2024-05-30T05:00:00.000Z',
      rpe: null,
      internalLoad: null,
    });
    const retry = await createActivity(deps(), userId, body);
    expect(retry).toEqual({ created: false, activity: first.activity });
    expect(await listOpenTasks(t.db, userId)).toHaveLength(1);

    const updated = await updateActivity(deps(), userId, first.activity.id, { rpe: 5, feeling: 4 });
    expect(updated).toMatchObject({ rpe: 5, feeling: 4, internalLoad: 225 });
    expect(await listOpenTasks(t.db, userId)).toEqual([]);
    // The reminder is answered: it no longer shows as unread.
    expect(await listNotifications(t.db, userId)).toEqual([expect.objectContaining({ kind: 'pending_task', read: true })]);
    expect(published).toEqual([
      { detailType: 'ActivityRecorded', detail: { userId, activityId: first.activity.id, localDate: '2024-05-30', change: 'updated' } },
    ]);
    expect(await t.db.selectFrom('event_outbox').selectAll().execute()).toEqual([]);
    expect(await listActivities(t.db, userId, { from: '2024-05-01', to: '2024-05-31' }, NOW)).toEqual([updated]);

    await deleteActivity(deps(), userId, first.activity.id);
    expect(published.at(-1)).toMatchObject({ detail: { change: 'deleted', localDate: '2024-05-30' } });
    expect(await listNotifications(t.db, userId)).toEqual([]);
  });

  it('refuses impossible values naming the field, and another user sees nothing', async () => {
    const userId = await newUser();
    await expect(createActivity(deps(), userId, { startTime: '2024-05-30T07:00:00Z', durationMinutes: 20, distanceMeters: 20000 })).rejects.toMatchObject({
      kind: 'unprocessable',
      errors: [{ field: 'body.distanceMeters' }],
    });
    await expect(createActivity(deps(), userId, { startTime: '2030-05-30T07:00:00Z', durationMinutes: 20 })).rejects.toMatchObject({
      kind: 'unprocessable',
      errors: [{ field: 'body.startTime' }],
    });
    const { activity } = await createActivity(deps(), userId, { startTime: '2024-05-30T07:00:00Z', durationMinutes: 20, rpe: 3 });
    const stranger = await newUser();
    await expect(updateActivity(deps(), stranger, activity.id, { rpe: 9 })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(deleteActivity(deps(), stranger, activity.id)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
