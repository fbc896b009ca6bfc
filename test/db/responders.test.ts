// The weekly responder job against a real database: athletes judged set-based, page by page, with the class
// and its evidence stored and shown; athletes without enough data get the reason instead.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewActivity, NewDailyMetrics } from '#shared/db/schema';
import { addDays } from '#shared/domain/dates';
import { getMe } from '#shared/account/profile';
import { recomputeRollingStats } from '#shared/metrics/rolling-stats';
import { classifyResponders } from '#shared/responders/classify';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { countingDb, RecordingPublisher } from '#test/support/metrics';

let database: TestDb;
beforeAll(async () => {
  database = await testDb();
});
afterAll(async () => {
  await database?.close();
});

const TODAY = '2027-06-30';
const NOW = new Date(`${TODAY}T20:00:00Z`);

/** Three easy 50-minute runs a week for `weeks` weeks ending today; EF rises by `efGain` over the period. */
async function seedAthlete(weeks: number, efGain: number, options: { restingHrDrop?: number; maxHr?: number } = {}): Promise<string> {
  const user = await createTestUser(database.db, { max_hr: options.maxHr ?? 190 });
  const activities: NewActivity[] = [];
  const metrics: NewDailyMetrics[] = [];
  const days = weeks * 7;
  for (let back = days - 1; back >= 0; back--) {
    const date = addDays(TODAY, -back);
    const progress = (days - 1 - back) / (days - 1);
    if (back % 7 === 1 || back % 7 === 3 || back % 7 === 5) {
      const ef = 0.9 * (1 + efGain * progress);
      activities.push({
        user_id: user.userId,
        source: 'manual',
        external_id: randomUUID(),
        type: 'run',
        start_time: `${date}T07:00:00Z`,
        local_date: date,
        duration_minutes: 50,
        distance_meters: Math.round(ef * 140 * 50),
        avg_hr: 140,
        rpe: 4,
        internal_load: 200,
      });
    }
    metrics.push({ user_id: user.userId, date, resting_hr: Math.round(56 - (options.restingHrDrop ?? 0) * progress) });
  }
  await database.db.insertInto('activities').values(activities).execute();
  await database.db.insertInto('daily_metrics').values(metrics).execute();
  await recomputeRollingStats(
    { db: database.db, publisher: new RecordingPublisher(), now: new Date(NOW.toISOString()) },
    user.userId,
    activities[0]!.local_date,
  );
  return user.userId;
}

describe('the weekly responder job', () => {
  it('classifies each athlete with a load series and stores the evidence; too little data stores the reason', async () => {
    const responder = await seedAthlete(16, 0.15, { restingHrDrop: 4 });
    const flat = await seedAthlete(16, -0.04);
    const newcomer = await seedAthlete(3, 0.1);
    const noSeries = (await createTestUser(database.db)).userId;
    const ids = [responder, flat, newcomer, noSeries];

    const summary = await classifyResponders(database.db, NOW, { userIds: ids });
    expect(summary).toMatchObject({ judged: 3, classified: 2 });

    const high = await getMe(database.db, responder);
    expect(high.responder.classification).toBe('high');
    expect(high.responder.updatedAt).toBe(NOW.toISOString());
    expect(high.responder.evidence).toMatchObject({ reason: null, missing: [], window: { weeksWithHr: 16, spanWeeks: 16 } });
    expect(high.responder.evidence!.efficiency!.changePct).toBeGreaterThan(10);
    expect(high.responder.evidence!.restingHr!.changeBpm).toBeLessThan(-2);

    expect((await getMe(database.db, flat)).responder.classification).toBe('low');

    const none = await getMe(database.db, newcomer);
    expect(none.responder.classification).toBeNull();
    expect(none.responder.updatedAt).toBe(NOW.toISOString());
    expect(none.responder.evidence).toMatchObject({ reason: 'insufficient_data' });
    expect(none.responder.evidence!.missing[0]).toMatch(/found 3/);

    expect((await getMe(database.db, noSeries)).responder).toEqual({ classification: null, evidence: null, updatedAt: null });
  });

  it('works set-based: a page of athletes costs the same statements however many it holds', async () => {
    const ids = [await seedAthlete(10, 0.05), await seedAthlete(10, 0.05), await seedAthlete(10, 0.05), await seedAthlete(10, 0.05)];
    const small = countingDb(database.db);
    await classifyResponders(small.db, NOW, { userIds: ids.slice(0, 1), pageSize: 10 });
    const large = countingDb(database.db);
    await classifyResponders(large.db, NOW, { userIds: ids, pageSize: 10 });
    expect(large.counter.count).toBe(small.counter.count);
    const paged = countingDb(database.db);
    const summary = await classifyResponders(paged.db, NOW, { userIds: ids, pageSize: 2 });
    expect(summary.pages).toBe(2);
    expect(summary.judged).toBe(4);
  });

  it('judges again each week: the class follows the data', async () => {
    const id = await seedAthlete(16, 0.15, { restingHrDrop: 4 });
    await classifyResponders(database.db, NOW, { userIds: [id] });
    expect((await getMe(database.db, id)).responder.classification).toBe('high');
    // The newest four weeks' runs turn out slower at the same heart rate: efficiency no longer improved.
    await database.db
      .updateTable('activities')
      .set((eb) => ({ distance_meters: eb('distance_meters', '*', 0.8) }))
      .where('user_id', '=', id)
      .where('local_date', '>=', addDays(TODAY, -27))
      .execute();
    const later = new Date(NOW.getTime() + 3_600_000);
    await classifyResponders(database.db, later, { userIds: [id] });
    const me = await getMe(database.db, id);
    expect(me.responder.classification).toBe('low');
    expect(me.responder.updatedAt).toBe(later.toISOString());
  });
});
