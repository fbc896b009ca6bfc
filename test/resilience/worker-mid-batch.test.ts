// A worker throwing mid-batch: only the records that failed come back (batchItemFailures), the others are
// processed once; a record whose fault clears is processed on a later delivery; only a record that keeps
// failing reaches the DLQ. The updateRollingStats queue runs the real worker through a test entry that
// throws for the users a test names (test/support/flaky-rolling-stats.ts).
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#shared/events/catalogue';
import { functions, updateRollingStats } from '#lib/topology';
import { createTestUser } from '#test/support/auth';
import { workerFaults } from '#test/support/flaky-rolling-stats';
import { useLocalRuntime } from '#test/support/local-runtime';
import { insertLoads } from '#test/support/metrics';

const local = useLocalRuntime({
  topology: { ...functions, updateRollingStats: { ...updateRollingStats, entry: 'test/support/flaky-rolling-stats.ts' } },
});

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('updateRollingStats throws for some records of a batch', () => {
  it('retries only those; the others are processed once; a transient fault loses nothing; only a record that keeps failing is dead-lettered', async () => {
    const { maxReceiveCount } = updateRollingStats.trigger;
    const [healthy, transient, broken] = await Promise.all([0, 1, 2].map(() => createTestUser(local.db, { time_zone: 'UTC' })));
    const days = [daysAgo(3), daysAgo(2)];
    // Activities written straight to the database: their ActivityRecorded events are sent below, in one batch.
    const activities = new Map<string, string[]>();
    for (const user of [healthy!, transient!, broken!]) {
      activities.set(
        user.userId,
        await insertLoads(
          local.db,
          user.userId,
          days.map((date, i) => ({ date, load: 100 + 50 * i })),
        ),
      );
    }
    const faults = workerFaults();
    faults.failuresLeft.set(transient!.userId, 2 * days.length); // each of its records fails its first 2 deliveries
    faults.failuresLeft.set(broken!.userId, Number.POSITIVE_INFINITY);

    const entries = [...activities].flatMap(([userId, ids]) =>
      ids.map((activityId, i) => ({
        Source: EVENT_SOURCE,
        DetailType: 'ActivityRecorded',
        Detail: JSON.stringify({ userId, activityId, localDate: days[i], change: 'created' }),
      })),
    );
    const sent = local.runtime.bus.putEvents(entries);
    expect(sent.every((e) => e.EventId)).toBe(true);
    await local.runtime.drain();

    const queue = local.runtime.queues.get('updateRollingStats')!;
    // The first batch held every record: the fault struck mid-batch.
    expect(new Set(faults.batches[0])).toEqual(new Set([healthy!.userId, transient!.userId, broken!.userId]));
    const deliveriesOf = (userId: string) => [...faults.deliveries.values()].filter((d) => d.userId === userId).map((d) => d.count);
    const statsOf = async (userId: string) =>
      (
        await local.db.selectFrom('rolling_stats').select(['date', 'load']).where('user_id', '=', userId).where('date', 'in', days).orderBy('date').execute()
      ).map((r) => [String(r.date).slice(0, 10), Number(r.load)]);
    const expected = days.map((d, i) => [d, 100 + 50 * i]);
    const deadUsers = queue.deadLetters.map((m) => (JSON.parse(m.body) as { detail: { userId: string } }).detail.userId);
    const lostDays = (
      await Promise.all([healthy!, transient!].map(async (u) => expected.length - (await statsOf(u.userId)).filter((s, i) => s[1] === expected[i]![1]).length))
    ).reduce((a, b) => a + b, 0);
    console.log(
      `worker mid-batch: ${entries.length} messages in one batch, ${faults.injected} throws injected (${2 * days.length} transient, the rest on ${days.length} messages that never recover); ` +
        `deliveries healthy ${deliveriesOf(healthy!.userId).join('/')}, transient ${deliveriesOf(transient!.userId).join('/')}, broken ${deliveriesOf(broken!.userId).join('/')}; ` +
        `DLQ ${queue.deadLetters.length}; lost: ${lostDays}`,
    );

    expect(deliveriesOf(healthy!.userId)).toEqual([1, 1]);
    expect(deliveriesOf(transient!.userId)).toEqual([3, 3]);
    expect(deliveriesOf(broken!.userId)).toEqual([maxReceiveCount, maxReceiveCount]);
    expect(await statsOf(healthy!.userId)).toEqual(expected);
    expect(await statsOf(transient!.userId)).toEqual(expected);
    expect(lostDays).toBe(0);
    expect(deadUsers).toEqual([broken!.userId, broken!.userId]);
    expect(await statsOf(broken!.userId)).toEqual([]);
  });
});
