// The daily check-in and vendor wellness path against a real database: merge, readiness over the stored
// history, baselines, validation, events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '#shared/domain/dates';
import { Unprocessable } from '#shared/errors';
import { baselines } from '#shared/domain/readiness';
import { upsertDailyMetrics } from '#shared/metrics/daily-metrics';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { fixedClock, insertLoads, RecordingPublisher } from '#test/support/metrics';
import { readVector } from '#test/unit/domain/support';

let t: TestDb;

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

async function newUser(values: { time_zone?: string; max_hr?: number } = {}): Promise<string> {
  return (await createTestUser(t.db, { time_zone: 'UTC', ...values })).userId;
}

const day = (userId: string, date: string) =>
  t.db.selectFrom('daily_metrics').selectAll().where('user_id', '=', userId).where('date', '=', date).executeTakeFirst();

interface HrvVector {
  cases: {
    input: { records: { date: string; rmssd: number }[] };
    expected: { date: string; status: 'green' | 'yellow' | 'red' | 'unknown'; ln_rmssd: number | null }[];
  }[];
}

describe('the daily check-in', () => {
  it('merges into what another source reported for the day; absent keeps a value, null clears it', async () => {
    const userId = await newUser();
    const deps = { db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-06-03T07:00:00Z') };
    await upsertDailyMetrics(deps, userId, [{ date: '2024-06-03', restingHr: 48, sleepDurationMinutes: 420, hrvSdnnMs: 70 }]);
    const [checkIn] = await upsertDailyMetrics(deps, userId, [{ date: '2024-06-03', sleepQuality: 8, soreness: 2, mood: 9 }]);
    expect(checkIn).toMatchObject({ restingHr: 48, sleepDurationMinutes: 420, sleepQuality: 8, sleepIndex: 56, soreness: 2, mood: 9, hrvSdnnMs: 70 });

    const [cleared] = await upsertDailyMetrics(deps, userId, [{ date: '2024-06-03', sleepQuality: null }]);
    expect(cleared).toMatchObject({ sleepDurationMinutes: 420, sleepQuality: null, sleepIndex: null, soreness: 2 });
    expect(deps.publisher.published).toEqual(Array(3).fill({ detailType: 'DailyMetricLogged', detail: { userId, date: '2024-06-03' } }));
  });

  it('keeps DailyMetricLogged in the outbox for the relay when PutEvents fails', async () => {
    const userId = await newUser();
    const publisher = new RecordingPublisher();
    publisher.failNext = 1;
    const [day] = await upsertDailyMetrics({ db: t.db, publisher, now: new Date('2024-06-03T07:00:00Z') }, userId, [{ date: '2024-06-03', soreness: 4 }]);
    expect(day).toMatchObject({ date: '2024-06-03', soreness: 4 });
    const left = await t.db.selectFrom('event_outbox').select(['detail_type', 'detail']).execute();
    expect(left.filter((row) => (row.detail as { userId: string }).userId === userId)).toEqual([
      { detail_type: 'DailyMetricLogged', detail: { userId, date: '2024-06-03' } },
    ]);
  });

  it('judges readiness from the check-in and the last session before today', async () => {
    const userId = await newUser();
    await insertLoads(t.db, userId, [{ date: '2024-06-02', load: 900 }]);
    await t.db.updateTable('activities').set({ rpe: 9, duration_minutes: 100, internal_load: 900 }).where('user_id', '=', userId).execute();
    const [today] = await upsertDailyMetrics({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-06-03T07:00:00Z') }, userId, [
      { date: '2024-06-03', sleepDurationMinutes: 400, sleepQuality: 3, stress: 8, morningReadiness: 3 },
    ]);
    // Four flagged items (poor sleep, stress, not feeling ready, a very hard last session): red.
    expect(today!.readiness!.light).toBe('red');
    expect(
      today!
        .readiness!.reasons.filter((r) => r.severity === 'flag')
        .map((r) => r.code)
        .sort(),
    ).toEqual(['hard_last_session', 'high_stress', 'not_feeling_ready', 'poor_sleep_quality']);
    expect(today!.readiness!.reasons.every((r) => r.message.length > 0)).toBe(true);
    expect((await day(userId, '2024-06-03'))!.readiness_light).toBe('red');
  });

  it('judges HRV against the stored history as the hrv vector does, and follows the HRV baseline', async () => {
    const userId = await newUser();
    const vector = readVector<HrvVector>('hrv_baseline').cases[0]!;
    const last = vector.expected[vector.expected.length - 1]!.date;
    const publisher = new RecordingPublisher();
    const stored = await upsertDailyMetrics(
      { db: t.db, publisher, now: new Date(`${last}T08:00:00Z`) },
      userId,
      vector.input.records.map((r) => ({ date: r.date, hrvRmssd: r.rmssd })),
    );
    const byDate = new Map(stored.map((d) => [d.date, d]));
    // The only coloured finding is HRV's (no check-in, no resting HR): it must be the vector's status.
    const findingsFor = { red: ['hrv_low'], yellow: ['hrv_today_low', 'hrv_week_low'], green: [null], unknown: [null] };
    let judged = 0;
    for (const expected of vector.expected) {
      const got = byDate.get(expected.date);
      if (expected.ln_rmssd === null) {
        expect(got, expected.date).toBeUndefined();
        continue;
      }
      judged++;
      const findings = got!.readiness!.reasons.filter((r) => r.severity !== 'info').map((r) => r.code);
      expect(findings.length, `${expected.date}: ${findings.join(', ')}`).toBeLessThanOrEqual(1);
      expect(findingsFor[expected.status], `${expected.date} is ${expected.status}`).toContain(findings[0] ?? null);
      expect(got!.readiness!.light, expected.date).toBe(expected.status === 'unknown' ? 'green' : expected.status);
    }
    expect(judged).toBe(vector.input.records.length);

    const user = await t.db.selectFrom('users').select(['hrv_rmssd', 'resting_hr']).where('id', '=', userId).executeTakeFirstOrThrow();
    const expected = baselines(
      vector.input.records.map((r) => ({ date: r.date, rmssd: r.rmssd })),
      last,
    );
    expect(user.hrv_rmssd).toBeCloseTo(expected.hrvRmssdMs!, 9);
    expect(user.resting_hr).toBeNull();
    expect(publisher.published).toHaveLength(vector.input.records.length);
  });

  it('flags a resting HR well above the usual, and follows the resting HR baseline', async () => {
    const userId = await newUser({ max_hr: 190 });
    const clock = fixedClock('2024-06-21T06:00:00Z');
    const publisher = new RecordingPublisher();
    const usual = eachDay('2024-06-01', '2024-06-20').map((date, i) => ({ date, restingHr: 48 + (i % 3) }));
    await upsertDailyMetrics({ db: t.db, publisher, now: clock.now() }, userId, usual);
    const [today] = await upsertDailyMetrics({ db: t.db, publisher, now: clock.now() }, userId, [{ date: '2024-06-21', restingHr: 60 }]);
    expect(today!.readiness).toMatchObject({
      light: 'red',
      reasons: expect.arrayContaining([expect.objectContaining({ code: 'resting_hr_very_high', severity: 'strong' })]),
    });
    const user = await t.db.selectFrom('users').select('resting_hr').where('id', '=', userId).executeTakeFirstOrThrow();
    const mean = (usual.reduce((s, d) => s + d.restingHr, 0) + 60) / 21;
    expect(user.resting_hr).toBe(Math.round(mean));
  });

  it('refuses a batch with a day after the local today, naming it, and stores none of it', async () => {
    const userId = await newUser({ time_zone: 'America/Los_Angeles' });
    const publisher = new RecordingPublisher();
    const attempt = upsertDailyMetrics(
      // 2024-06-03T05:00Z is still 2 June in Los Angeles.
      { db: t.db, publisher, now: new Date('2024-06-03T05:00:00Z') },
      userId,
      [
        { date: '2024-06-02', restingHr: 50 },
        { date: '2024-06-03', restingHr: 51 },
      ],
    );
    // Unprocessable is 422 at the API (test/unit/http-errors.test.ts).
    await expect(attempt).rejects.toMatchObject({ kind: 'unprocessable', errors: [{ field: 'candidates.1.date' }] });
    await expect(attempt).rejects.toBeInstanceOf(Unprocessable);
    expect(await t.db.selectFrom('daily_metrics').selectAll().where('user_id', '=', userId).execute()).toEqual([]);
    expect(publisher.published).toEqual([]);
  });

  it("with invalid: 'skip' (vendor wellness), stores the good days and leaves out the rest", async () => {
    const userId = await newUser({ time_zone: 'America/Los_Angeles' });
    const publisher = new RecordingPublisher();
    const stored = await upsertDailyMetrics(
      { db: t.db, publisher, now: new Date('2024-06-03T05:00:00Z') },
      userId,
      [
        { date: '2024-06-01', restingHr: 50, sleepDurationMinutes: 431 },
        { date: '2024-06-02', restingHr: 300 },
        { date: '2024-06-03', restingHr: 51 },
      ],
      { invalid: 'skip' },
    );
    expect(stored.map((d) => [d.date, d.restingHr])).toEqual([['2024-06-01', 50]]);
    expect(publisher.published.map((e) => (e.detail as { date: string }).date)).toEqual(['2024-06-01']);
  });

  it('refuses values out of range, naming each', async () => {
    const userId = await newUser();
    const attempt = upsertDailyMetrics({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-06-03T05:00:00Z') }, userId, [
      { date: '2024-06-02', restingHr: 10, stress: 11, sleepQuality: 0 } as never,
    ]);
    await expect(attempt).rejects.toMatchObject({ kind: 'unprocessable' });
    const error = (await attempt.catch((e: unknown) => e)) as Unprocessable;
    expect(error.errors.map((e) => e.field).sort()).toEqual(['candidates.0.restingHr', 'candidates.0.sleepQuality', 'candidates.0.stress']);
  });

  it('judges a back-filled day on its own date', async () => {
    const userId = await newUser();
    const [old] = await upsertDailyMetrics({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-06-03T05:00:00Z') }, userId, [
      { date: addDays('2024-06-03', -400), soreness: 9 },
    ]);
    expect(old!.readiness).toMatchObject({ light: 'red' });
  });
});
