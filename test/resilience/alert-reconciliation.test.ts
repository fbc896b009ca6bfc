// Alerts are derived facts: every recompute reconciles them. An alert whose condition no longer holds is
// resolved and its unread notification withdrawn; one that still holds carries the new numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReport } from '#shared/metrics/load-report';
import { recomputeRollingStats } from '#shared/metrics/rolling-stats';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { fixedClock, insertLoads, RecordingPublisher, type LoadVector } from '#test/support/metrics';
import { readVector } from '#test/unit/domain/support';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

const alerts = (userId: string) =>
  t.db.selectFrom('risk_alerts').selectAll().where('user_id', '=', userId).where('kind', '=', 'acwr').orderBy('date').execute();
const notes = (userId: string) =>
  t.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', 'risk_alert').orderBy('dedupe_key').execute();

async function spikeWeek() {
  const userId = (await createTestUser(t.db, { time_zone: 'UTC' })).userId;
  const clock = fixedClock('2024-04-19T20:00:00Z');
  const publisher = new RecordingPublisher();
  const { records } = readVector<LoadVector>('spike_week').cases[0]!.input;
  const loads = records.filter((r) => r.date <= '2024-04-19');
  const ids = await insertLoads(t.db, userId, loads);
  await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, records[0]!.date);
  const raised = await alerts(userId);
  expect(raised.map((a) => a.date)).toEqual(['2024-04-18', '2024-04-19']);
  return { userId, clock, publisher, loads, ids };
}

describe('alerts follow the numbers', () => {
  it('the spike deleted: the alerts are resolved, their unread notifications withdrawn, the report lists none', async () => {
    const { userId, clock, publisher, loads, ids } = await spikeWeek();
    const spike = loads
      .map((l, i) => [l, ids[i]!] as const)
      .filter(([l]) => l.date >= '2024-04-13')
      .map(([, id]) => id);
    const [readOne] = await notes(userId);
    await t.db.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', readOne!.id).execute();
    await t.db.deleteFrom('activities').where('id', 'in', spike).execute();
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-04-13');

    const after = await alerts(userId);
    expect(after.every((a) => a.resolved_at !== null)).toBe(true);
    // The read notification stays (the athlete saw it); the unread one is withdrawn.
    expect((await notes(userId)).map((n) => n.id)).toEqual([readOne!.id]);
    const report = await loadReport(t.db, userId, { from: '2024-04-01', to: '2024-04-19' }, clock.now());
    expect(report.alerts).toEqual([]);
  });

  it('a lower load that still raises the alert: the alert and its unread notification carry the new numbers', async () => {
    const { userId, clock, publisher, loads, ids } = await spikeWeek();
    const before = await alerts(userId);
    const last = loads
      .map((l, i) => [l, ids[i]!] as const)
      .filter(([l]) => l.date === '2024-04-19')
      .map(([, id]) => id);
    await t.db
      .updateTable('activities')
      .set((eb) => ({ internal_load: eb('internal_load', '*', 0.95) }))
      .where('id', 'in', last)
      .execute();
    await recomputeRollingStats({ db: t.db, publisher, now: clock.now() }, userId, '2024-04-19');
    const after = await alerts(userId);
    const day = after.find((a) => a.date === '2024-04-19')! as unknown as { id: string; resolved_at: Date | null; metrics: { acwr: number } };
    const was = before.find((a) => a.date === '2024-04-19')! as unknown as { metrics: { acwr: number } };
    expect(day.resolved_at).toBeNull();
    expect(day.metrics.acwr).toBeLessThan(was.metrics.acwr);
    expect(day.metrics.acwr).toBeGreaterThan(1.5);
    const note = (await notes(userId)).find((n) => n.dedupe_key === `risk_alert:${day.id}`)!;
    expect((note.data as { metrics: { acwr: number } }).metrics.acwr).toBeCloseTo(day.metrics.acwr, 12);
  });
});
