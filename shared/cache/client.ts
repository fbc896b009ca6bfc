// The key-value cache behind idempotency records: Redis/Valkey when REDIS_URL is set (ElastiCache in AWS,
// a real Redis in CI), an in-memory map otherwise (npm start, tests). Both speak the three commands the
// Powertools cache persistence layer needs, with Redis' SET NX/EX semantics, so the layer cannot tell
// them apart. One client per process, connected on first use.
import { config } from '#shared/config';
import { logger } from '#shared/logger';
import { RedisConnection } from './redis';

export interface SetOptions {
  /** Time to live, seconds. */
  EX?: number;
  /** Only set when the key does not exist. */
  NX?: boolean;
}

/** Structurally the Powertools `CacheClient` (@aws-lambda-powertools/idempotency/cache/types). */
export interface CacheClient {
  get(key: string): Promise<string | null>;
  /** 'OK' when written; null when NX found the key. */
  set(key: string, value: string, options?: SetOptions): Promise<string | null>;
  del(keys: string[]): Promise<number>;
}

/** A process-local cache with Redis' expiry and NX semantics. */
export class InMemoryCache implements CacheClient {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<string | null> {
    if (options.NX && this.live(key)) return null;
    const ttl = options.EX;
    // Redis refuses a non-positive EX; so does this, rather than storing a key that never expires.
    if (ttl !== undefined && !(ttl > 0)) throw new Error(`invalid expire time in 'set' command: ${ttl}`);
    this.entries.set(key, { value, expiresAt: ttl === undefined ? Infinity : this.now() + ttl * 1000 });
    this.sweep();
    return 'OK';
  }

  async del(keys: string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) if (this.live(key) && this.entries.delete(key)) removed += 1;
    return removed;
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  // Expired keys go lazily, plus a bounded sweep so a long `npm start` does not grow without end.
  private sweep(): void {
    if (this.entries.size % 1024 !== 0) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** Redis' answers travel fast or not at all: a webhook must still answer (5xx) within Strava's 2 s. */
const COMMAND_TIMEOUT_MS = 800;
const CONNECT_TIMEOUT_MS = 1000;

/**
 * The cache over Redis (shared/cache/redis.ts): connects on the first command and, after a failure, on the
 * next one instead of caching the failure. Commands fail fast while disconnected (no offline queue): a
 * webhook then answers 503 and the vendor retries, rather than the request hanging until Lambda's timeout.
 */
export function redisCache(url: string): CacheClient & { close(): Promise<void> } {
  const connection = new RedisConnection(url, {
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    onError: (error) => logger.warn('redis connection lost', { errorName: error.name, errorMessage: error.message?.slice(0, 200) }),
  });
  return {
    async get(key) {
      const value = await connection.command(['GET', key]);
      return value == null ? null : String(value);
    },
    async set(key, value, options = {}) {
      const args = ['SET', key, value];
      if (options.NX) args.push('NX');
      if (options.EX !== undefined) args.push('EX', String(options.EX));
      const reply = await connection.command(args);
      return reply == null ? null : String(reply);
    },
    async del(keys) {
      if (keys.length === 0) return 0;
      return Number(await connection.command(['DEL', ...keys]));
    },
    close: () => connection.close(),
  };
}

let shared: CacheClient | undefined;

/** The process-wide cache: Redis when REDIS_URL is set, else in memory. */
export function cacheClient(): CacheClient {
  if (!shared) {
    const url = config().REDIS_URL;
    shared = url ? redisCache(url) : new InMemoryCache();
  }
  return shared;
}

/** Tests and benchmarks hand their own cache to every handler in the process. */
export function setCacheClient(client: CacheClient | undefined): void {
  shared = client;
}
