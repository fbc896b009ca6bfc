// Services behind the webhook handlers in tests: the vendor settings, the idempotency cache (real Redis
// when TEST_REDIS_URL is set, else in memory) and an in-memory claim-check store, all swapped in for the
// process-wide ones the handlers use.
import { InMemoryCache, redisCache, setCacheClient, type CacheClient } from '#shared/cache/client';
import { resetConfig } from '#shared/config';
import { InMemoryClaimCheckStore, setClaimCheckStore } from '#shared/events/claim-check';
import { resetVendorCredentials } from '#shared/vendors/credentials';
import { resetIntake } from '#shared/webhooks/intake';

export const STRAVA_VERIFY_TOKEN = 'STRAVA';
export const STRAVA_SUBSCRIPTION_ID = 120475;
export const GARMIN_CONSUMER_KEY = 'garmin-consumer-key';

export const vendorEnvironment = {
  STRAVA_VERIFY_TOKEN,
  STRAVA_SUBSCRIPTION_ID: String(STRAVA_SUBSCRIPTION_ID),
  GARMIN_CONSUMER_KEY,
  STRAVA_CLIENT_ID: '4711',
  STRAVA_CLIENT_SECRET: 'fake-client-secret',
  VENDOR_TOKEN_KEY: 'test-vendor-token-key-0123456789abcdef0123456789',
};

export interface WebhookServices {
  cache: CacheClient;
  claims: InMemoryClaimCheckStore;
  /** 'redis' when the suite runs against TEST_REDIS_URL. */
  cacheKind: 'redis' | 'memory';
  /** Replace the cache (e.g. with a failing one); the intake is rebuilt on its next use. */
  useCache(cache: CacheClient): void;
  close(): Promise<void>;
}

export function useWebhookServices(env: Record<string, string> = {}): WebhookServices {
  Object.assign(process.env, vendorEnvironment, env);
  resetConfig();
  resetVendorCredentials();
  const redisUrl = process.env.TEST_REDIS_URL;
  const cache = redisUrl ? redisCache(redisUrl) : new InMemoryCache();
  const claims = new InMemoryClaimCheckStore();
  setCacheClient(cache);
  setClaimCheckStore(claims);
  resetIntake();
  return {
    cache,
    claims,
    cacheKind: redisUrl ? 'redis' : 'memory',
    useCache(next) {
      setCacheClient(next);
      resetIntake();
    },
    async close() {
      setCacheClient(undefined);
      setClaimCheckStore(undefined);
      resetIntake();
      if ('close' in cache) await (cache as { close(): Promise<void> }).close();
    },
  };
}
