// The idempotency cache keeps Redis' SET NX / EX semantics, in memory and (TEST_REDIS_URL) in real Redis.
import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryCache, redisCache, type CacheClient } from '#shared/cache/client';

interface Subject {
  client: CacheClient & { close?: () => Promise<void> };
  /** Lets `key`'s time to live run out now, after checking it is at most `seconds` (no real waiting). */
  expire(key: string, seconds: number): Promise<void>;
}

function inMemory(): Subject {
  let now = Date.now();
  const client = new InMemoryCache(() => now);
  return {
    client,
    async expire(_key, seconds) {
      now += seconds * 1000 - 1;
      expect(await client.get(_key)).not.toBeNull();
      now += 1;
    },
  };
}

function redis(url: string): Subject {
  const client = redisCache(url);
  const raw = createClient({ url });
  return {
    client: {
      ...client,
      async close() {
        await client.close();
        if (raw.isOpen) await raw.close();
      },
    },
    async expire(key, seconds) {
      if (!raw.isOpen) await raw.connect();
      const ttl = await raw.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(seconds * 1000);
      // Redis expires a key whose deadline has passed: move the deadline instead of waiting for it.
      await raw.pExpireAt(key, Date.now() - 1000);
    },
  };
}

const clients: Array<[string, () => Subject]> = [['in memory', inMemory]];
if (process.env.TEST_REDIS_URL) clients.push(['Redis', () => redis(process.env.TEST_REDIS_URL!)]);

const opened: Array<{ close?: () => Promise<void> }> = [];
afterAll(async () => {
  for (const c of opened) await c.close?.();
});

for (const [name, make] of clients) {
  describe(`the ${name} cache`, () => {
    const subject = make();
    const client = subject.client;
    opened.push(client);
    const key = () => `rc:test:${randomBytes(6).toString('hex')}`;

    it('sets only absent keys with NX, and reads them back', async () => {
      const k = key();
      expect(await client.get(k)).toBeNull();
      expect(await client.set(k, 'first', { NX: true, EX: 30 })).toBe('OK');
      expect(await client.set(k, 'second', { NX: true, EX: 30 })).toBeNull();
      expect(await client.get(k)).toBe('first');
      expect(await client.set(k, 'third', { EX: 30 })).toBe('OK');
      expect(await client.get(k)).toBe('third');
    });

    it('forgets a key when it expires, and deletes on request', async () => {
      const k = key();
      await client.set(k, 'v', { EX: 1 });
      await subject.expire(k, 1);
      expect(await client.get(k)).toBeNull();
      expect(await client.set(k, 'again', { NX: true, EX: 30 })).toBe('OK');
      expect(await client.del([k, key()])).toBe(1);
      expect(await client.get(k)).toBeNull();
    });

    it('gives exactly one of many concurrent NX writers the key', async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.set(k, String(i), { NX: true, EX: 30 })));
      expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    });
  });
}

describe('an unreachable Redis', () => {
  it('fails commands quickly instead of queueing them', async () => {
    const client = redisCache('redis://127.0.0.1:1');
    const started = Date.now();
    await expect(client.get('x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
    await client.close();
  });
});
