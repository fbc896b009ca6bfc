// Redis unreachable (REDIS_URL on a closed port): the idempotency records cannot be taken, so a webhook
// answers 503 problem+json with Retry-After at once and publishes nothing; once the cache is back (Redis
// with TEST_REDIS_URL, else the in-memory default) the sender's retry is accepted once, and a second retry
// is a duplicate. The cache client is built from the configuration, as in a deployed function.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheClient, setCacheClient, type CacheClient } from '#shared/cache/client';
import { resetConfig } from '#shared/config';
import { resetIntake } from '#shared/webhooks/intake';
import { createTestUser } from '#test/support/auth';
import { closedPort } from '#test/support/dead-db';
import { useLocalRuntime } from '#test/support/local-runtime';
import { sample } from '#test/support/vendor-samples';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';

const local = useLocalRuntime();
let services: WebhookServices;
let unreachable: CacheClient | undefined;
const savedRedisUrl = process.env.REDIS_URL;

beforeAll(() => {
  services = useWebhookServices();
});
afterAll(async () => {
  if (savedRedisUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedRedisUrl;
  resetConfig();
  if (unreachable && 'close' in unreachable) await (unreachable as { close(): Promise<void> }).close().catch(() => undefined);
  await services?.close();
});

describe('Redis unreachable', () => {
  it('a webhook answers 503 with Retry-After and publishes nothing; the retry after Redis is back is accepted once', async () => {
    const user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
    const [workout] = sample<{ workouts: Array<Record<string, unknown>> }>('apple-relay.json').workouts;
    const body = JSON.stringify({ workouts: [{ ...workout, uuid: randomUUID().toUpperCase() }] });
    const send = () => local.fetch('/api/v1/webhooks/apple', { method: 'POST', headers: { ...user.headers, 'content-type': 'application/json' }, body });
    const received = () =>
      local.runtime.bus.published.filter((e) => e.detailType === 'ActivityReceived' && (e.detail as { userId?: string }).userId === user.userId);

    const port = await closedPort();
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    resetConfig();
    setCacheClient(undefined);
    resetIntake();
    unreachable = cacheClient();

    const attempts = 3;
    const took: number[] = [];
    for (let i = 0; i < attempts; i++) {
      const started = Date.now();
      const res = await send();
      took.push(Date.now() - started);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(received()).toEqual([]);

    // Redis is back: the configured cache again.
    if (savedRedisUrl === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = savedRedisUrl;
    resetConfig();
    services.useCache(services.cache);
    const retry = await send();
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual(['accepted']);
    const again = await send();
    expect(((await again.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual(['duplicate']);
    await local.runtime.drain();

    const stored = await local.db.selectFrom('activities').select('external_id').where('user_id', '=', user.userId).execute();
    const lost = 1 - stored.length;
    console.log(
      `Redis unreachable (closed port ${port}, cache ${services.cacheKind} after): ${attempts} deliveries answered 503 + Retry-After in ${took.join('/')} ms, ${received().length} published (1 after the retry, 0 during the outage), ${stored.length} stored; lost: ${lost}`,
    );
    expect(received()).toHaveLength(1);
    expect(stored).toHaveLength(1);
    expect(lost).toBe(0);
  });
});
