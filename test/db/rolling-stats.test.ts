// The rolling-stats recompute against a real database: what the worker promises, one promise per test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '#shared/domain/dates';
import { computeLoadSeries, type DailyLoad } from '#shared/domain/load';
import { relayOutbox } from '#shared/events/outbox';
import { alertWrite, NO_LOAD_CHANGE, planRecompute, recomputeRollingStats } from '#shared/metrics/rolling-stats';
import { readSeriesInputs, writeSeries } from '#shared/metrics/rolling-stats-store';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { countingDb, fixedClock, insertLoads, RecordingPublisher, type LoadVector } from '#test/support/metrics';
import { expectClose, mulberry32, readVector } from '#test/unit/domain/support';

let t: TestDb;

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

async function newUser(values: { time_zone?: string; week_start_day?: number } = {}): Promise<string> {
  return (await createTestUser(t.db, { time_zone: 'UTC', ...values })).userId;
}

const stats = (userId: string) => t.db.selectFrom('rolling_stats').selectAll().where('user_id', '=', userId).orderBy('date').execute();
const alerts = (userId: string) => t.db.selectFrom('risk_alerts').selectAll().where('user_id', '=', userId).orderBy('date').orderBy('kind').execute();
const notifications = (userId: string) => t.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('dedupe_key').execute();
const outbox = async (userId: string) =>
  (await t.db.selectFrom('event_outbox').select(['detail_type', 'detail']).orderBy('created_at').execute()).filter(
    (row) => (row.detail as { userId?: string }).userId === userId,
  );

/** A varied training history: rest days, easy days, long runs; seeded so failures replay. */
function history(start: string, days: number, seed = 7): DailyLoad[] {
  const random = mulberry32(seed);
  return eachDay(start, addDays(start, days - 1)).flatMap((date) => {
    const r = random();
    if (r < 0.3) return [];
    return [{ date, load: Math.round(150 + random() * (r > 0.9 ? 900 : 400)) }];
  });
}

/** The stored series equals a full recompute of `loads` from `start` to `end`, to 1e-9. */
async function expectFullRecompute(userId: string, loads: DailyLoad[], start: string, end: string, weekEndsOn: 7 | 6 = 7) {
  const expected = computeLoadSeries(loads, { start, end, weekEndsOn });
  const rows = await stats(userId);
  expect(rows.map((r) => r.date)).toEqual(expected.map((d) => d.date));
  rows.forEach((row, i) => {
    const day = expected[i]!;
    for (const [column, value] of [
      ['load', day.load],
      ['acute', day.acute],
      ['chronic', day.chronic],
      ['acwr', day.acwr],
      ['tsb', day.tsb],
      ['week_load', day.weekLoad],
      ['monotony', day.monotony],
      ['strain', day.strain],
    ] as const) {
      expectClose(row[column], value, `${row.date} ${column}`, 1e-9);
    }
  });
}

describe('the load vectors through the database', () => {
  for (const file of ['steady_state', 'spike_week', 'monotonous_week']) {
    const vector = readVector<LoadVector>(file);
    for (const vectorCase of vector.cases) {
      it(`${file}/${vectorCase.name}: the stored series matches the vector to 1e-6`, async () => {
        const userId = await newUser();
        const { records } = vectorCase.input;
        const last = vectorCase.expected[vectorCase.expected.length - 1]!.date;
        await insertLoads(
          t.db,
          userId,
          records.filter((r) => r.load > 0),
        );
        const result = await recomputeRollingStats(
          { db: t.db, publisher: new RecordingPublisher(), now: new Date(`${last}T20:00:00Z`) },
          userId,
          records[0]!.date,
        );
        expect(result).toMatchObject({ outcome: 'full', from: records[0]!.date, to: last });
        const rows = await stats(userId);
        expect(rows.map((r) => r.date)).toEqual(vectorCase.expected.map((e) => e.date));
        rows.forEach((row, i) => {
          const e = vectorCase.expected[i]!;
          for (const key of ['load', 'acute', 'chronic', 'acwr', 'tsb', 'week_load', 'monotony', 'strain'] as const) {
            expectClose(row[key], e[key], `${e.date} ${key}`);
          }
        });
        // ACWR alerts as in the vector; monotony judged on the week's last day only (Sunday for a Monday start).
        const raised = await alerts(userId);
        expect(raised.filter((a) => a.kind === 'acwr').map((a) => a.date)).toEqual(vectorCase.summary.acwr_alert_dates);
        expect(raised.filter((a) => a.kind === 'monotony').map((a) => a.date)).toEqual(
          vectorCase.summary.monotony_alert_dates.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 0),
        );
      });
    }
  }
});

describe('late and repeated data', () => {
  it('a run synced three weeks late rewrites the stats from that day on', async () => {
    const userId = await newUser();
    const today = '2024-06-30';
    const clock = fixedClock(`${today}T18:00:00Z`);
    const publisher = new RecordingPublisher();
    const loads = history('2024-03-01', 120);
    await insertLoads(t.db, userId, loads);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, loads[0]!.date);
    const before = await stats(userId);

    const late = addDays(today, -21);
    await insertLoads(t.db, userId, [{ date: late, load: 480 }], 19);
    const result = await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, late);

    expect(result).toMatchObject({ outcome: 'incremental', from: late, to: today, days: 22 });
    const after = await stats(userId);
    // Untouched before the late run's day (not even updated_at), different on it and every day after.
    const cut = after.findIndex((row) => row.date === late);
    expect(after.slice(0, cut)).toEqual(before.slice(0, cut));
    for (let i = cut; i < after.length; i++) expect(after[i]!.acute, after[i]!.date).not.toBe(before[i]!.acute);
    const all = [...loads, { date: late, load: 480 }];
    await expectFullRecompute(userId, all, loads[0]!.date, today);
  });

  it('the same message twice changes nothing', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-04-21T12:00:00Z');
    const publisher = new RecordingPublisher();
    const { records } = readVector<LoadVector>('spike_week').cases[0]!.input;
    await insertLoads(t.db, userId, records);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date);
    const first = { stats: await stats(userId), alerts: await alerts(userId), notifications: await notifications(userId) };
    const events = publisher.published.length;
    expect(events).toBeGreaterThan(0);

    const again = await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date);

    expect(again).toMatchObject({ announced: 0 });
    expect({ stats: await stats(userId), alerts: await alerts(userId), notifications: await notifications(userId) }).toEqual(first);
    expect(publisher.published).toHaveLength(events);
  });

  it('a day without a new activity extends the series to the local today', async () => {
    const userId = await newUser({ time_zone: 'Pacific/Auckland' });
    const publisher = new RecordingPublisher();
    await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 400 }]);
    // 2024-05-09T13:00Z is already 10 May in Auckland.
    await recomputeRollingStats({ db: t.db, publisher, now: new Date('2024-05-09T13:00:00Z') }, userId, '2024-05-01');
    const rows = await stats(userId);
    expect(rows.map((r) => r.date)).toEqual(eachDay('2024-05-01', '2024-05-10'));
    expect(await t.db.selectFrom('load_series').select(['series_start', 'series_end']).where('user_id', '=', userId).executeTakeFirst()).toEqual({
      series_start: '2024-05-01',
      series_end: '2024-05-10',
    });
  });

  it('a check-in moves no load: it only brings the series up to the local today', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-05-10T12:00:00Z');
    const publisher = new RecordingPublisher();
    await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 400 }]);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-01');
    const before = await stats(userId);

    clock.set('2024-05-12T06:00:00Z');
    const { db, counter } = countingDb(t.db);
    expect(await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, NO_LOAD_CHANGE)).toMatchObject({
      outcome: 'incremental',
      from: '2024-05-11',
      to: '2024-05-12',
    });
    expect((await stats(userId)).slice(0, before.length)).toEqual(before);
    counter.count = 0;
    expect(await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, NO_LOAD_CHANGE)).toMatchObject({ outcome: 'up-to-date' });
    expect(counter.count).toBe(1);
  });

  it('an activity before the first one restarts the series on its day', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-05-31T12:00:00Z');
    const publisher = new RecordingPublisher();
    const loads = history('2024-04-01', 61, 11);
    await insertLoads(t.db, userId, loads);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-04-15');
    await expectFullRecompute(userId, loads, loads[0]!.date, '2024-05-31');

    await insertLoads(t.db, userId, [{ date: '2024-03-20', load: 300 }]);
    const result = await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-03-20');
    expect(result).toMatchObject({ outcome: 'full', from: '2024-03-20' });
    await expectFullRecompute(userId, [{ date: '2024-03-20', load: 300 }, ...loads], '2024-03-20', '2024-05-31');
  });

  it('deleting the first activity moves the series start; deleting them all clears it', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-05-10T12:00:00Z');
    const publisher = new RecordingPublisher();
    const [first] = await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 300 }]);
    await insertLoads(t.db, userId, [{ date: '2024-05-04', load: 500 }]);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-01');
    expect((await stats(userId))[0]!.date).toBe('2024-05-01');

    await t.db.deleteFrom('activities').where('id', '=', first!).execute();
    expect(await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-01')).toMatchObject({ outcome: 'full', from: '2024-05-04' });
    await expectFullRecompute(userId, [{ date: '2024-05-04', load: 500 }], '2024-05-04', '2024-05-10');

    await t.db.deleteFrom('activities').where('user_id', '=', userId).execute();
    expect(await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-04')).toMatchObject({ outcome: 'cleared' });
    expect(await stats(userId)).toEqual([]);
  });

  it('duplicates carry no load', async () => {
    const userId = await newUser();
    const [original] = await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 300 }]);
    const [copy] = await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 300 }], 9);
    await t.db.updateTable('activities').set({ duplicate_of: original! }).where('id', '=', copy!).execute();
    await recomputeRollingStats({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-05-01T20:00:00Z') }, userId, '2024-05-01');
    expect((await stats(userId)).map((r) => r.load)).toEqual([300]);
  });

  it('uses the week of the athlete: monotony is judged on the last day of their training week', async () => {
    const userId = await newUser({ week_start_day: 7 }); // Sunday to Saturday
    const loads = eachDay('2024-05-05', '2024-05-18').map((date) => ({ date, load: 300 }));
    await insertLoads(t.db, userId, loads);
    await recomputeRollingStats({ db: t.db, publisher: new RecordingPublisher(), now: new Date('2024-05-18T20:00:00Z') }, userId, '2024-05-05');
    expect((await alerts(userId)).map((a) => [a.kind, a.date])).toEqual([
      ['monotony', '2024-05-11'],
      ['monotony', '2024-05-18'],
    ]);
  });
});

describe('risk alerts', () => {
  it('announces a new alert once: RiskAlertRaised and a notification, with the numbers that raised it', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-04-19T20:00:00Z');
    const publisher = new RecordingPublisher();
    const { records } = readVector<LoadVector>('spike_week').cases[0]!.input;
    await insertLoads(
      t.db,
      userId,
      records.filter((r) => r.date <= '2024-04-19'),
    );
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date);

    const raised = await alerts(userId);
    const acwr = raised.filter((a) => a.kind === 'acwr');
    expect(acwr.map((a) => a.date)).toEqual(['2024-04-18', '2024-04-19']);
    expect(acwr[0]!.metrics).toEqual({ acwr: expect.any(Number), acute: expect.any(Number), chronic: expect.any(Number) });
    expect(acwr[0]!.metrics.acwr).toBeGreaterThan(1.5);
    const announced = publisher.published.map((e) => e.detail as { alertId: string; kind: string; date: string });
    expect(announced.map((e) => [e.kind, e.date])).toEqual([
      ['acwr', '2024-04-18'],
      ['acwr', '2024-04-19'],
    ]);
    expect(publisher.published.every((e) => e.detailType === 'RiskAlertRaised')).toBe(true);
    const notes = await notifications(userId);
    expect(notes.map((n) => n.dedupe_key).sort()).toEqual(acwr.map((a) => `risk_alert:${a.id}`).sort());
    expect(notes[0]!.title).toBe('Training load spike');
    expect(notes[0]!.body).toMatch(/^On 2024-04-1[89] your last 7 days carried 1\.\d\d times your usual 28-day load/);
    expect(notes.map((n) => (n.data as { alertId: string }).alertId).sort()).toEqual(acwr.map((a) => a.id).sort());
    expect(announced.map((e) => e.alertId).sort()).toEqual(acwr.map((a) => a.id).sort());
    expect(await outbox(userId)).toEqual([]);
  });

  it('alerts older than a week are history: stored, not announced', async () => {
    const userId = await newUser();
    const publisher = new RecordingPublisher();
    const { records } = readVector<LoadVector>('steady_state').cases[0]!.input;
    await insertLoads(t.db, userId, records);
    // 2024-04-29 is a Monday: of the Sunday monotony alerts only 2024-04-28 is within the last 7 days.
    await recomputeRollingStats({ db: t.db, publisher, now: new Date('2024-04-29T20:00:00Z') }, userId, records[0]!.date);
    expect((await alerts(userId)).length).toBe(17);
    expect(publisher.published.map((e) => (e.detail as { date: string }).date)).toEqual(['2024-04-28']);
  });

  it('an alert whose PutEvents failed stays in the outbox and the relay publishes it', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-04-18T20:00:00Z');
    const publisher = new RecordingPublisher();
    const { records } = readVector<LoadVector>('spike_week').cases[0]!.input;
    await insertLoads(
      t.db,
      userId,
      records.filter((r) => r.date <= '2024-04-18'),
    );
    publisher.failNext = 1;
    expect(await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date)).toMatchObject({ announced: 1 });
    expect(publisher.published).toEqual([]);
    expect(await outbox(userId)).toHaveLength(1);
    expect(await notifications(userId)).toHaveLength(1);

    // The same message again announces nothing twice; the relay publishes what was left.
    expect(await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date)).toMatchObject({ announced: 0 });
    await relayOutbox(t.db, publisher, { minAgeSeconds: 0 });
    expect(publisher.published.map((e) => [e.detailType, (e.detail as { date: string }).date])).toEqual([['RiskAlertRaised', '2024-04-18']]);
    expect(await outbox(userId)).toEqual([]);
  });

  it('stays silent for users who turned risk-alert notifications off, but still publishes the event', async () => {
    const userId = await newUser();
    await t.db
      .updateTable('users')
      .set({ notification_preferences: JSON.stringify({ risk_alert: false }) })
      .where('id', '=', userId)
      .execute();
    const publisher = new RecordingPublisher();
    const { records } = readVector<LoadVector>('spike_week').cases[0]!.input;
    await insertLoads(
      t.db,
      userId,
      records.filter((r) => r.date <= '2024-04-18'),
    );
    await recomputeRollingStats({ db: t.db, publisher, now: new Date('2024-04-18T20:00:00Z') }, userId, records[0]!.date);
    expect(publisher.published).toHaveLength(1);
    expect(await notifications(userId)).toEqual([]);
  });
});

describe('concurrency and cost', () => {
  it('concurrent recomputes of one user end in the state of a full recompute', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-06-30T12:00:00Z');
    const publisher = new RecordingPublisher();
    const loads = history('2024-04-01', 90, 3);
    await insertLoads(t.db, userId, loads);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-04-01');

    const late = ['2024-06-01', '2024-06-10', '2024-05-20', '2024-06-25', '2024-06-05'].map((date) => ({ date, load: 250 }));
    const runs = late.map(async (day, i) => {
      await insertLoads(t.db, userId, [day], 20 + (i % 3));
      return recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, day.date);
    });
    const results = await Promise.all(runs);
    if (process.env.DEBUG_ATTEMPTS) console.log(results.map((r) => r.attempts));
    expect(results.every((r) => r.outcome === 'incremental')).toBe(true);
    await expectFullRecompute(userId, [...loads, ...late], loads[0]!.date, '2024-06-30');
  });

  it('a write based on a read that another recompute overtook writes nothing', async () => {
    const userId = await newUser();
    const clock = fixedClock('2024-05-10T12:00:00Z');
    const publisher = new RecordingPublisher();
    await insertLoads(t.db, userId, [{ date: '2024-05-01', load: 300 }]);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-01');
    const stale = (await readSeriesInputs(t.db, userId, '2024-05-01'))!;
    await insertLoads(t.db, userId, [{ date: '2024-05-05', load: 900 }]);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-05-05');
    const current = await stats(userId);

    const plan = planRecompute(stale, '2024-05-10');
    if (typeof plan === 'string') throw new Error(plan);
    const outcome = await writeSeries(t.db, {
      userId,
      expectedVersion: stale.stored!.version,
      seriesStart: plan.seriesStart,
      seriesEnd: plan.seriesEnd,
      trimOutside: false,
      days: plan.days,
      alerts: plan.alerts.map(alertWrite),
      announceFrom: '2024-05-04',
      notify: true,
    });
    expect(outcome).toEqual({ written: false });
    expect(await stats(userId)).toEqual(current);
  });

  it('a one-day late update takes two round trips (three with an alert to announce)', async () => {
    const userId = await newUser();
    // A Wednesday: no monotony judgement today.
    const clock = fixedClock('2024-06-26T12:00:00Z');
    const publisher = new RecordingPublisher();
    const loads = history('2023-06-26', 366, 5);
    await insertLoads(t.db, userId, loads);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2023-06-26');

    const { db, counter } = countingDb(t.db);
    await insertLoads(t.db, userId, [{ date: '2024-06-25', load: 200 }], 22);
    expect(await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, '2024-06-25')).toMatchObject({ days: 2, announced: 0 });
    expect(counter.count).toBe(2);

    counter.count = 0;
    await insertLoads(t.db, userId, [{ date: '2024-06-26', load: 4000 }], 22);
    const spike = await recomputeRollingStats({ db, publisher, now: clock.now() }, userId, '2024-06-26');
    expect(spike).toMatchObject({ announced: 1 });
    expect(counter.count).toBe(3);
  });
});
