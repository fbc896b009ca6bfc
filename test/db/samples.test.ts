// Samples through the activity service on the per-activity array layout (migration 0006): stored as
// delivered, replaced by a new delivery, kept by a summary, read back for TRIMP (also when a duplicate
// takes over), refused whole when impossible, and erased with the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseAccount } from '#shared/account/erasure';
import type { ActivityOp } from '#shared/activities/activity-ops';
import { applyActivityOps } from '#shared/activities/service';
import { listRejections } from '#shared/activities/rejections';
import { activityTrimp, type HeartRateSample } from '#shared/domain/trimp';
import type { ActivityCandidate, ActivitySample } from '#shared/domain/activity-candidate';
import type { ActivitySource } from '#shared/domain/activity-vocabulary';
import { testDb, type TestDb } from '#test/support/db';
import { storedSamples } from '#test/support/samples';

const NOW = new Date('2024-06-01T12:00:00Z');
const PROFILE = { restingHr: 50, maxHr: 190, sex: 'female' as const };

let t: TestDb;

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

async function newUser(): Promise<string> {
  const row = await t.db
    .insertInto('users')
    .values({
      email: `s${Math.random().toString(36).slice(2)}@example.com`,
      password_hash: 'x',
      time_zone: 'Europe/Paris',
      resting_hr: 50,
      max_hr: 190,
      sex: 'female',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const apply = (ops: ActivityOp[]) => t.db.transaction().execute((trx) => applyActivityOps(trx, ops, { now: NOW }));
const upsert = (userId: string, candidate: ActivityCandidate): ActivityOp => ({ kind: 'upsert', userId, candidate, origin: 'vendor' });
const activity = (userId: string, source: ActivitySource) =>
  t.db.selectFrom('activities').selectAll().where('user_id', '=', userId).where('source', '=', source).executeTakeFirstOrThrow();

const run: ActivityCandidate = {
  source: 'garmin',
  externalId: 'g-samples',
  type: 'run',
  startTime: '2024-05-19T09:00:00Z',
  durationMinutes: 60,
  distanceMeters: 12_000,
  avgHr: 150,
  maxHr: 181,
  elevationGainMeters: null,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: null,
};

/** An hour at 1 Hz with a 5-minute gap (a pause), speed and cadence throughout, power in the first half. */
const hour: ActivitySample[] = Array.from({ length: 3600 }, (_, i) => i)
  .filter((i) => i < 1200 || i >= 1500)
  .map((i) => ({
    offsetSeconds: i,
    hr: 120 + Math.round(50 * Math.sin(i / 300) ** 2),
    paceSecondsPerKm: 280 + (i % 17) / 7,
    cadence: 165 + (i % 9),
    ...(i < 1800 ? { power: 240 + (i % 31) } : {}),
  }));
const asRows = (samples: readonly ActivitySample[]) =>
  samples.map((s) => ({
    offsetSeconds: s.offsetSeconds,
    hr: s.hr ?? null,
    speedMps: s.paceSecondsPerKm ? 1000 / s.paceSecondsPerKm : null,
    cadence: s.cadence ?? null,
    powerW: s.power ?? null,
  }));
const heartRates = (samples: readonly ActivitySample[]): HeartRateSample[] => samples.map((s) => ({ offsetS: s.offsetSeconds, hr: s.hr ?? null }));

describe('samples on the array layout', () => {
  it('are stored as delivered, one row per activity, and give TRIMP', async () => {
    const userId = await newUser();
    await apply([upsert(userId, { ...run, samples: hour })]);
    const row = await activity(userId, 'garmin');
    expect(await storedSamples(t.db, row.id)).toEqual(asRows(hour));
    const stored = await t.db.selectFrom('activity_samples').select(['seconds']).where('activity_id', '=', row.id).execute();
    expect(stored).toEqual([{ seconds: 3600 }]);
    expect(row.trimp).toBeCloseTo(activityTrimp({ durationMinutes: 60, samples: heartRates(hour) }, PROFILE)!, 9);
    // Sample TRIMP, not the average-HR one.
    expect(row.trimp).not.toBeCloseTo(activityTrimp({ durationMinutes: 60, avgHr: 150 }, PROFILE)!, 3);
  });

  it('are replaced by a new delivery and kept by a summary; TRIMP is then recomputed from the stored ones', async () => {
    const userId = await newUser();
    await apply([upsert(userId, { ...run, samples: hour })]);
    const sparser = hour.filter((s) => s.offsetSeconds % 2 === 0).map((s) => ({ offsetSeconds: s.offsetSeconds, hr: s.hr! + 5 }));
    await apply([upsert(userId, { ...run, samples: sparser })]);
    const row = await activity(userId, 'garmin');
    expect(await storedSamples(t.db, row.id)).toEqual(asRows(sparser));

    // A summary with a corrected duration and no samples: the stored heart rates are read back for TRIMP.
    await apply([upsert(userId, { ...run, durationMinutes: 58 })]);
    const corrected = await activity(userId, 'garmin');
    expect(await storedSamples(t.db, row.id)).toEqual(asRows(sparser));
    expect(corrected.trimp).toBeCloseTo(activityTrimp({ durationMinutes: 58, samples: heartRates(sparser) }, PROFILE)!, 9);
    expect(corrected.trimp).not.toBeCloseTo(row.trimp!, 6);
  });

  it('give the duplicate that takes over its own TRIMP when the counted copy is deleted', async () => {
    const userId = await newUser();
    await apply([upsert(userId, run), upsert(userId, { ...run, source: 'strava', externalId: 's-samples', samples: hour })]);
    const strava = await activity(userId, 'strava');
    expect(strava).toMatchObject({ duplicate_of: expect.any(String), trimp: null });
    await apply([{ kind: 'delete', userId, source: 'garmin', externalId: 'g-samples' }]);
    const promoted = await activity(userId, 'strava');
    expect(promoted.duplicate_of).toBeNull();
    expect(promoted.trimp).toBeCloseTo(activityTrimp({ durationMinutes: 60, samples: heartRates(hour) }, PROFILE)!, 9);
  });

  it('refuse the whole activity, naming the samples, when one is impossible; nothing is written', async () => {
    const userId = await newUser();
    const cases: [string, ActivitySample[], RegExp][] = [
      [
        'an HR of 400',
        [
          { offsetSeconds: 0, hr: 120 },
          { offsetSeconds: 1, hr: 400 },
        ],
        /heart rate of 400 at 1 s/,
      ],
      ['a power of 5000', [{ offsetSeconds: 7, power: 5000 }], /power of 5000 at 7 s/],
      [
        'two samples in one second',
        [
          { offsetSeconds: 3, hr: 120 },
          { offsetSeconds: 3, hr: 121 },
        ],
        /sample at 3 s/,
      ],
      ['a sample after 24 h', [{ offsetSeconds: 86_401, hr: 120 }], /sample at 86401 s/],
      ['more than 24 h at 1 Hz', Array.from({ length: 86_402 }, (_, i) => ({ offsetSeconds: i, hr: 120 })), /86402 samples/],
      ['a sample without a reading', [{ offsetSeconds: 0 }], /no reading/],
      ['a pace of 10 s/km (100 m/s)', [{ offsetSeconds: 0, paceSecondsPerKm: 10 }], /pace of 10 s\/km at 0 s/],
    ];
    for (const [name, samples, reason] of cases) {
      const { results } = await apply([upsert(userId, { ...run, externalId: name, samples })]);
      expect({ name, result: results[0] }).toEqual({ name, result: { kind: 'rejected', field: 'samples', reason: expect.stringMatching(reason) } });
    }
    const rejections = await listRejections(t.db, userId);
    expect(rejections.map((r) => r.field)).toEqual(cases.map(() => 'samples'));
    expect(await t.db.selectFrom('activities').select('id').where('user_id', '=', userId).execute()).toEqual([]);
  });

  it('take 24 h at 1 Hz', async () => {
    const userId = await newUser();
    const day = Array.from({ length: 86_401 }, (_, i) => ({ offsetSeconds: i, hr: 100 + (i % 50) }));
    const { results } = await apply([upsert(userId, { ...run, durationMinutes: 24 * 60, samples: day })]);
    expect(results[0]).toMatchObject({ kind: 'created' });
    expect(await storedSamples(t.db, (await activity(userId, 'garmin')).id)).toHaveLength(86_401);
  });

  it('go with the account', async () => {
    const userId = await newUser();
    const other = await newUser();
    await apply([upsert(userId, { ...run, samples: hour }), upsert(other, { ...run, samples: hour })]);
    await eraseAccount(t.db, userId);
    const left = await t.db.selectFrom('activity_samples').select('user_id').where('user_id', 'in', [userId, other]).execute();
    expect(left).toEqual([{ user_id: other }]);
  });
});
