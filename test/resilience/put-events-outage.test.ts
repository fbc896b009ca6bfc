// PutEvents failing: writes still answer 201 because their events wait in the transactional outbox
// (shared/events/outbox.ts); once EventBridge takes entries again, the relayOutbox schedule publishes them
// and the workers' results are complete. The outage is the local endpoint's fault switch (lib/local/aws-endpoint.ts).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';

const local = useLocalRuntime();

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('EventBridge refuses every PutEvents', () => {
  it('writes answer 201, the outbox keeps their events, and the relay publishes them all once PutEvents works again', async () => {
    const user = await createTestUser(local.db, { time_zone: 'UTC' });
    const outbox = async () => Number((await local.db.selectFrom('event_outbox').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);
    const before = await outbox();
    const publishedBefore = local.runtime.bus.published.length;

    local.runtime.faults.putEvents = Number.POSITIVE_INFINITY;
    const writes = 8;
    const ids: string[] = [];
    for (let i = 0; i < writes; i++) {
      const res = await local.fetch('/api/v1/activities', {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ startTime: `${daysAgo(2 + (i % 4))}T0${6 + Math.floor(i / 4)}:00:00Z`, durationMinutes: 30 + i, rpe: 5 }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    local.runtime.faults.putEvents = 0;
    const injected = local.runtime.faults.injected.putEvents;
    const waiting = (await outbox()) - before;
    // Nothing reached the bus, and nothing was computed from the writes yet.
    expect(local.runtime.bus.published.length).toBe(publishedBefore);
    expect(waiting).toBeGreaterThanOrEqual(writes);
    await local.runtime.drain();
    expect(await local.db.selectFrom('rolling_stats').select('date').where('user_id', '=', user.userId).execute()).toEqual([]);

    // The relay takes rows older than its grace period (a writer may still be publishing younger ones):
    // age them instead of waiting, then run the schedule as EventBridge Scheduler would.
    await sql`update event_outbox set created_at = created_at - interval '5 minutes'`.execute(local.db);
    let relayed = 0;
    for (;;) {
      const { published } = (await local.runtime.runSchedule('relayOutbox')) as { published: number };
      relayed += published;
      if (published === 0) break;
    }
    await local.runtime.drain();

    const recorded = new Set(
      local.runtime.bus.published.filter((e) => e.detailType === 'ActivityRecorded').map((e) => (e.detail as { activityId: string }).activityId),
    );
    const lostEvents = ids.filter((id) => !recorded.has(id));
    // The load series: every day's load is the sum of that day's activities.
    const days = await local.db
      .selectFrom('activities')
      .select(['local_date', sql<number>`sum(internal_load)::float8`.as('load')])
      .where('user_id', '=', user.userId)
      .groupBy('local_date')
      .execute();
    const stats = await local.db.selectFrom('rolling_stats').select(['date', 'load']).where('user_id', '=', user.userId).execute();
    const loadOn = new Map(stats.map((s) => [String(s.date).slice(0, 10), Number(s.load)]));
    const lostDays = days.filter((d) => Math.abs((loadOn.get(String(d.local_date).slice(0, 10)) ?? -1) - Number(d.load)) > 1e-9);
    console.log(
      `PutEvents outage: ${injected} PutEvents calls failed, ${writes} writes answered 201, ${waiting} events waited in the outbox, ${relayed} relayed; lost: ${lostEvents.length} events, ${lostDays.length} days of the load series`,
    );
    expect(injected).toBeGreaterThan(0);
    expect(lostEvents).toEqual([]);
    expect(lostDays).toEqual([]);
    expect(await outbox()).toBe(0);
  });
});
