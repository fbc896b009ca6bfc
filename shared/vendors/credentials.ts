// Vendor credentials and the key that seals vendor tokens. In AWS they live in Secrets Manager
// (VENDOR_SECRET_ARN, VENDOR_TOKEN_KEY_SECRET_ARN; lib/aws/secrets.ts), read through the one secret reader
// (shared/secrets.ts: kept a quarter of an hour, so an operator's update such as the Strava subscription id
// arrives without a deploy). Outside AWS they come from the environment (STRAVA_CLIENT_ID, ...; see shared/config.ts).
import * as z from 'zod';
import { config } from '#shared/config';
import { Unavailable } from '#shared/errors';
import { logger } from '#shared/logger';
import { secrets } from '#shared/secrets';
import { deriveTokenKey } from './crypto';

export interface VendorCredentials {
  strava: {
    /** Base URL: OAuth at `${apiUrl}/oauth/token`, the API at `${apiUrl}/api/v3`. */
    apiUrl: string;
    clientId?: string;
    clientSecret?: string;
    /** Ours to choose; Strava echoes it when it validates the webhook subscription. */
    verifyToken?: string;
    /** Known once the subscription exists; events for another subscription are refused. */
    subscriptionId?: number;
  };
  garmin: {
    /** Our consumer key (OAuth 2: client id); pushes that name another one are refused. */
    consumerKey?: string;
  };
  /** AES-256-GCM key for vendor tokens at rest; undefined when none is configured. */
  tokenKey?: Buffer;
}

// lib/aws/secrets.ts creates the secret with 'placeholder' values until an operator sets the real ones.
const setting = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => {
    const text = v === undefined ? '' : String(v).trim();
    return text === '' || text === 'placeholder' ? undefined : text;
  });

const VendorSecret = z.object({
  stravaClientId: setting,
  stravaClientSecret: setting,
  stravaVerifyToken: setting,
  stravaSubscriptionId: setting.transform((v) => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined)),
  garminConsumerKey: setting,
});
const TokenKeySecret = z.object({ key: z.string().min(32) });

/** Only outside production: a fixed key keeps `npm start` and tests working with no setup. */
const DEVELOPMENT_TOKEN_KEY = 'development-only-vendor-token-key-never-use-in-production';

async function readSecret(arn: string): Promise<unknown> {
  return JSON.parse(await secrets().get(arn)) as unknown;
}

async function load(): Promise<VendorCredentials> {
  const c = config();
  const fromSecret = c.VENDOR_SECRET_ARN ? VendorSecret.parse(await readSecret(c.VENDOR_SECRET_ARN)) : undefined;
  const keySecret = c.VENDOR_TOKEN_KEY_SECRET_ARN ? TokenKeySecret.parse(await readSecret(c.VENDOR_TOKEN_KEY_SECRET_ARN)).key : undefined;
  const keySource = keySecret ?? c.VENDOR_TOKEN_KEY ?? (c.NODE_ENV === 'production' ? undefined : DEVELOPMENT_TOKEN_KEY);
  return {
    strava: {
      apiUrl: c.STRAVA_API_URL.replace(/\/+$/, ''),
      clientId: fromSecret ? fromSecret.stravaClientId : c.STRAVA_CLIENT_ID,
      clientSecret: fromSecret ? fromSecret.stravaClientSecret : c.STRAVA_CLIENT_SECRET,
      verifyToken: fromSecret ? fromSecret.stravaVerifyToken : c.STRAVA_VERIFY_TOKEN,
      subscriptionId: fromSecret ? fromSecret.stravaSubscriptionId : c.STRAVA_SUBSCRIPTION_ID,
    },
    garmin: { consumerKey: fromSecret ? fromSecret.garminConsumerKey : c.GARMIN_CONSUMER_KEY },
    tokenKey: keySource ? deriveTokenKey(keySource) : undefined,
  };
}

/** The secret reader caches the secrets (and forgets a failed read); what is derived from them is cheap. */
export function vendorCredentials(): Promise<VendorCredentials> {
  const value = load();
  value.catch((error: Error) => {
    logger.error('vendor credentials could not be read', { errorName: error.name, errorMessage: error.message?.slice(0, 200) });
  });
  return value;
}

/**
 * Strava or Garmin refused our client credentials: read the vendor secret again (an operator may have
 * rotated it), at most as often as the secret reader's refresh policy allows.
 */
export async function refreshVendorCredentials(): Promise<VendorCredentials> {
  const arn = config().VENDOR_SECRET_ARN;
  if (arn) await secrets().refresh(arn);
  return vendorCredentials();
}

/** Tests and the local runtime: forget the cached values (after changing the environment). */
export function resetVendorCredentials(): void {
  secrets().forget();
}

/** The operator has not configured the vendor yet: 503 for the app (a worker retries it like any failure). */
export class VendorNotConfigured extends Unavailable {
  constructor(what: string) {
    super(`${what} is not configured`);
    this.name = 'VendorNotConfigured';
  }
}

export async function tokenKey(): Promise<Buffer> {
  const key = (await vendorCredentials()).tokenKey;
  if (!key) throw new VendorNotConfigured('the vendor token encryption key (VENDOR_TOKEN_KEY_SECRET_ARN / VENDOR_TOKEN_KEY)');
  return key;
}
