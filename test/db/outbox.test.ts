// The transactional outbox: an event committed with its change is published even when PutEvents fails.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '#shared/events/catalogue';
import { enqueueEvents, publishEnqueued, relayOutbox } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { testDb, type TestDb } from '#test/support/db';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

const event = (): OutgoingEvent => ({ detailType: 'DailyMetricLogged', detail: { userId: randomUUID(), date: '2024-05-20' } });

describe('the outbox', () => {
  it('keeps events PutEvents refused after commit, and the relay publishes them once', async () => {
    const failing: EventPublisher = { publish: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'PublishError' })) };
    const events = [event(), event()];
    const enqueued = await t.db.transaction().execute((trx) => enqueueEvents(trx, events));
    expect(await publishEnqueued(t.db, failing, enqueued)).toBe(false);
    expect(await t.db.selectFrom('event_outbox').select('id').execute()).toHaveLength(2);

    const published: OutgoingEvent[] = [];
    const working: EventPublisher = { publish: async (e) => void published.push(...e) };
    expect(await relayOutbox(t.db, working, { minAgeSeconds: 0 })).toBe(2);
    expect(published).toEqual(events);
    expect(await relayOutbox(t.db, working, { minAgeSeconds: 0 })).toBe(0);
    expect(await t.db.selectFrom('event_outbox').select('id').execute()).toEqual([]);
  });

  it('leaves young rows to their writer, and rolls back with the change', async () => {
    await t.db.transaction().execute((trx) => enqueueEvents(trx, [event()]));
    const published: OutgoingEvent[] = [];
    expect(await relayOutbox(t.db, { publish: async (e) => void published.push(...e) }, { minAgeSeconds: 60 })).toBe(0);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueEvents(trx, [event()]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.db.selectFrom('event_outbox').select('id').execute()).toHaveLength(1);
  });

  it('refuses an event that does not match the catalogue before anything is written', async () => {
    await expect(
      t.db.transaction().execute((trx) => enqueueEvents(trx, [{ detailType: 'DailyMetricLogged', detail: { userId: 'x', date: 'y' } } as OutgoingEvent])),
    ).rejects.toThrow();
  });
});
