// A manual run and its Apple copy: the counted activity takes what it lacks (HR, distance, elevation) from
// its duplicate, says where each value came from (fieldSources), and its TRIMP follows. New HR baselines put
// the whole TRIMP history on the new scale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateMe } from '#shared/account/profile';
import { applyActivityOps, createActivity, deleteActivity, getActivity } from '#shared/activities/service';
import type { OutgoingEvent } from '#shared/events/catalogue';
import type { EventPublisher } from '#shared/events/publisher';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';
import { onboard } from '#shared/plans/service';
import { testDb, type TestDb } from '#test/support/db';

const NOW = new Date('2024-06-01T12:00:00Z');
let t: TestDb;
const published: OutgoingEvent[] = [];
const publisher: EventPublisher = { publish: async (events) => void published.push(...events) };
const deps = () => ({ db: t.db, publisher, now: NOW });

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

async function newUser() {
  const row = await t.db
    .insertInto('users')
    .values({
      email: `u${Math.random().toString(36).slice(2)}@example.com`,
      password_hash: 'x',
      time_zone: 'Europe/Paris',
      resting_hr: 50,
      max_hr: 190,
      sex: 'male',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const appleCopy: ActivityCandidate = {
  source: 'apple',
  externalId: 'APPLE-UUID-1',
  type: 'run',
  startTime: '2024-05-19T07:00:40Z',
  durationMinutes: 45.5,
  distanceMeters: 9000,
  avgHr: 150,
  maxHr: 172,
  elevationGainMeters: null,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: null,
};

async function manualRunWithItsAppleCopy(userId: string) {
  const { activity: manual } = await createActivity(deps(), userId, {
    startTime: '2024-05-19T09:00:00+02:00',
    durationMinutes: 45,
    rpe: 6,
    elevationGainMeters: 80,
  });
  const applied = await t.db
    .transaction()
    .execute((trx) => applyActivityOps(trx, [{ kind: 'upsert', userId, candidate: appleCopy, origin: 'vendor' }], { now: NOW }));
  const apple = applied.results[0]!;
  expect(apple).toMatchObject({ kind: 'created', duplicateOf: manual.id });
  return { manualId: manual.id, appleId: (apple as { activityId: string }).activityId };
}

describe('merged duplicates', () => {
  it('the counted copy takes the missing HR and distance from its duplicate, records the source, and gets a TRIMP', async () => {
    const userId = await newUser();
    const { manualId, appleId } = await manualRunWithItsAppleCopy(userId);
    const counted = await getActivity(t.db, userId, manualId);
    expect(counted).toMatchObject({ avgHr: 150, maxHr: 172, distanceMeters: 9000, elevationGainMeters: 80, duplicateOf: null, internalLoad: 270 });
    expect(counted.fieldSources).toEqual({ avgHr: appleId, maxHr: appleId, distanceMeters: appleId });
    expect(counted.trimp).toBeGreaterThan(0);
  });

  it('what was borrowed goes with the duplicate that lent it', async () => {
    const userId = await newUser();
    const { manualId, appleId } = await manualRunWithItsAppleCopy(userId);
    await deleteActivity(deps(), userId, appleId);
    const counted = await getActivity(t.db, userId, manualId);
    expect(counted).toMatchObject({ avgHr: null, maxHr: null, distanceMeters: null, elevationGainMeters: 80, fieldSources: {}, trimp: null });
  });

  it('new HR baselines recompute the TRIMP history and announce the change from its first day', async () => {
    const userId = await newUser();
    const { manualId } = await manualRunWithItsAppleCopy(userId);
    const before = (await getActivity(t.db, userId, manualId)).trimp!;
    published.length = 0;
    await updateMe(t.db, publisher, userId, { baselines: { maxHr: 200 } }, NOW);
    const after = (await getActivity(t.db, userId, manualId)).trimp!;
    expect(after).not.toBeCloseTo(before, 3);
    expect(published).toEqual([
      expect.objectContaining({ detailType: 'ActivityRecorded', detail: expect.objectContaining({ userId, localDate: '2024-05-19' }) }),
    ]);
  });

  it('new HR baselines given at onboarding announce the recompute as soon as the plan is committed', async () => {
    const userId = await newUser();
    const { manualId } = await manualRunWithItsAppleCopy(userId);
    const before = (await getActivity(t.db, userId, manualId)).trimp!;
    published.length = 0;
    await onboard(
      t.db,
      publisher,
      userId,
      {
        profile: { dob: '1990-04-01', sex: 'unspecified', weightKg: 60, heightCm: 170, maxHr: 200 },
        goal: { raceDistance: '10k', raceDate: '2024-08-10' },
        availability: { daysPerWeek: 4, longRunDay: 'sun' },
        current: { weeklyMinutes: 200, experience: 'intermediate' },
      },
      NOW,
    );
    expect((await getActivity(t.db, userId, manualId)).trimp).not.toBeCloseTo(before, 3);
    // Not left in the outbox for the relay's next minute: the app's load chart follows the new scale at once.
    expect(published).toEqual([
      expect.objectContaining({ detailType: 'ActivityRecorded', detail: expect.objectContaining({ userId, localDate: '2024-05-19' }) }),
    ]);
  });
});
