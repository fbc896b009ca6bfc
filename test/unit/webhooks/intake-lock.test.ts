// The process-wide intake takes the lock time of the function that calls it: under `npm start` the
// Strava, Garmin and Apple webhooks share one process, and the first to arrive must not set it for all.
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCache, setCacheClient } from '#shared/cache/client';
import { InMemoryClaimCheckStore, setClaimCheckStore } from '#shared/events/claim-check';
import { intake, resetIntake } from '#shared/webhooks/intake';

const eventBridge = mockClient(EventBridgeClient);
/** Every value written to the cache, by key. */
const writes: Array<{ key: string; value: string }> = [];

beforeAll(() => {
  const cache = new InMemoryCache();
  setCacheClient({
    get: (key) => cache.get(key),
    set: (key, value, options) => {
      writes.push({ key, value });
      return cache.set(key, value, options);
    },
    del: (keys) => cache.del(keys),
  });
  setClaimCheckStore(new InMemoryClaimCheckStore());
  resetIntake();
});
afterAll(() => {
  setCacheClient(undefined);
  setClaimCheckStore(undefined);
  resetIntake();
  eventBridge.restore();
});

/** The in-progress lock's expiry (epoch ms) that a delivery through `intake(ttlMs)` writes, relative to when it started. */
async function lockLifetime(ttlMs: number): Promise<number> {
  let seen: number | undefined;
  eventBridge.on(PutEventsCommand).callsFake(async () => {
    // While publishing, the record holds the lock; read its expiry from the last write.
    const record = JSON.parse(writes[writes.length - 1]!.value) as { status: string; in_progress_expiration?: number };
    expect(record.status).toBe('INPROGRESS');
    seen = record.in_progress_expiration;
    return { FailedEntryCount: 0, Entries: [{ EventId: 'e-0' }] };
  });
  const started = Date.now();
  await intake(ttlMs).receive([{ vendor: 'strava', eventKey: `strava:${randomUUID()}`, payload: { aspect_type: 'create' } }]);
  expect(seen).toBeTypeOf('number');
  return seen! - started;
}

describe('intake(inProgressTtlMs)', () => {
  it("locks each delivery for its own function's time, whichever function came first", async () => {
    const short = await lockLifetime(10_000);
    const long = await lockLifetime(60_000);
    // The lock runs from when it was taken, a moment after the delivery started.
    expect(short).toBeGreaterThanOrEqual(10_000);
    expect(short).toBeLessThan(20_000);
    expect(long).toBeGreaterThanOrEqual(60_000);
    expect(long).toBeLessThan(70_000);
  });
});
