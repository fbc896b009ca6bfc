// A training week that ends on a rest day is still judged that night: the hourly sweep closes the athlete's
// local day, and the recompute that follows raises the week's monotony alert without waiting for Monday's run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType } from '#shared/events/catalogue';
import { closeTrainingDays, trainingDaysJustClosed } from '#shared/metrics/day-close';
import { NO_LOAD_CHANGE, recomputeRollingStats } from '#shared/metrics/rolling-stats';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { fixedClock, insertLoads, RecordingPublisher } from '#test/support/metrics';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

const athlete = async (timeZone: string) => (await createTestUser(t.db, { time_zone: timeZone, week_start_day: 1 })).userId;

async function withSeries(timeZone: string, seriesDay: string): Promise<string> {
  const userId = await athlete(timeZone);
  await t.db.insertInto('load_series').values({ user_id: userId, series_start: seriesDay, series_end: seriesDay }).execute();
  return userId;
}

describe('the day-close sweep', () => {
  it('picks exactly the athletes whose local midnight passed in the last hour, with the day that ended', async () => {
    const tokyo = await withSeries('Asia/Tokyo', '2026-11-01');
    const kolkata = await withSeries('Asia/Kolkata', '2026-11-01');
    const paris = await withSeries('Europe/Paris', '2026-11-01');
    const noSeries = await athlete('Asia/Tokyo');
    // 15:30 UTC: 00:30 in Tokyo (UTC+9), 21:00 in Kolkata (UTC+5:30), 16:30 in Paris.
    const closed = await trainingDaysJustClosed(t.db, new Date('2026-11-22T15:30:00Z'));
    const ids = closed.map((c) => c.userId);
    expect(closed.find((c) => c.userId === tokyo)).toEqual({ userId: tokyo, date: '2026-11-22' });
    expect(ids).not.toContain(kolkata);
    expect(ids).not.toContain(paris);
    expect(ids).not.toContain(noSeries);
    // 18:45 UTC is 00:15 in Kolkata: half-hour zones close on time too.
    expect((await trainingDaysJustClosed(t.db, new Date('2026-11-22T18:45:00Z'))).map((c) => c.userId)).toContain(kolkata);
  });

  it('raises the monotony alert of a week whose last day is a rest day the night that day ends', async () => {
    const userId = await athlete('Europe/Paris');
    // Monday 2026-11-16 .. Saturday 2026-11-21: six identical sessions; Sunday 2026-11-22 is a rest day.
    // Six equal days and one zero give monotony sqrt(6) = 2.449 > 2.0 on the week's last day.
    const days = ['16', '17', '18', '19', '20', '21'].map((d) => ({ date: `2026-11-${d}`, load: 300 }));
    await insertLoads(t.db, userId, days);
    const clock = fixedClock('2026-11-21T20:00:00Z'); // Saturday evening in Paris
    const publisher = new RecordingPublisher();
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2026-11-16');
    const monotonyAlerts = () =>
      t.db.selectFrom('risk_alerts').select(['date', 'metrics']).where('user_id', '=', userId).where('kind', '=', 'monotony').execute();
    expect(await monotonyAlerts()).toEqual([]);

    // Monday 00:30 in Paris: the sweep closes Sunday, the worker extends the series through it.
    clock.set('2026-11-22T23:30:00Z');
    const sweep = new RecordingPublisher();
    await closeTrainingDays(t.db, sweep, clock.now());
    const mine = sweep.published.filter((e) => e.detailType === DetailType.TrainingDayClosed && e.detail.userId === userId);
    expect(mine.map((e) => e.detail)).toEqual([{ userId, date: '2026-11-22' }]);
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, NO_LOAD_CHANGE);

    const alerts = await monotonyAlerts();
    expect(alerts.map((a) => a.date)).toEqual(['2026-11-22']);
    expect((alerts[0]!.metrics as { monotony: number | null; weekLoad: number }).weekLoad).toBe(1800);
    expect(publisher.published.some((e) => e.detailType === DetailType.RiskAlertRaised)).toBe(true);
  });
});
