// What the worker and the integration routes call to reach Strava as an athlete: the athlete's token
// (refreshed when it expires or is refused), the API call, and one verdict per failure: wait out a rate
// limit, retry, or drop. `now` is always the caller's: nothing here reads a clock.
import type { Db } from '#shared/db/connection';
import { VendorDisconnected, getStravaAccessToken, type VendorConnection } from '#shared/vendors/connections';
import { VendorNotConfigured, refreshVendorCredentials, vendorCredentials } from '#shared/vendors/credentials';
import {
  RateLimited,
  type ReloadClientCredentials,
  StravaRejected,
  StravaUnauthorized,
  stravaTokenWorks,
  type StravaClientCredentials,
  type StravaHttp,
} from './api';

export interface StravaContext {
  http: StravaHttp;
  client: StravaClientCredentials;
  key: Buffer;
  /** Absent when the caller fixed the credentials. */
  reloadClient?: ReloadClientCredentials;
}

/** The vendor secret read again: a rotated Strava client secret is picked up without a redeploy. */
const reloadFromSecret: ReloadClientCredentials = async () => {
  const { clientId, clientSecret } = (await refreshVendorCredentials()).strava;
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
};

/** Base URL, client credentials and token key from configuration (Secrets Manager in AWS). */
export async function stravaContext(overrides: Partial<StravaContext> = {}): Promise<StravaContext> {
  const credentials = await vendorCredentials();
  const { clientId, clientSecret } = credentials.strava;
  if (!overrides.client && (!clientId || !clientSecret)) throw new VendorNotConfigured('Strava (STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET)');
  const key = overrides.key ?? credentials.tokenKey;
  if (!key) throw new VendorNotConfigured('the vendor token encryption key');
  return {
    http: overrides.http ?? { baseUrl: credentials.strava.apiUrl },
    client: overrides.client ?? { clientId: clientId!, clientSecret: clientSecret! },
    key,
    reloadClient: overrides.reloadClient ?? (overrides.client ? undefined : reloadFromSecret),
  };
}

/**
 * One Strava call as the athlete of `connection` (from resolveVendorUser), e.g.
 * `asStravaAthlete(db, link, ctx, now, (token) => fetchStravaActivity(ctx.http, token, id, now))`. A token
 * Strava refuses (revoked early or rotated elsewhere) gets one fresh token and one more try. Throws
 * RateLimited (put the message back with `retryAfterSeconds`), StravaUnavailable (retry),
 * VendorDisconnected / StravaUnauthorized / StravaRejected (drop): see `vendorFailureAction`.
 */
export async function asStravaAthlete<T>(
  db: Db,
  connection: Pick<VendorConnection, 'vendorUserId'>,
  ctx: StravaContext,
  now: Date,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const token = await getStravaAccessToken(db, connection, { ...ctx, now });
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof StravaUnauthorized)) throw error;
    const fresh = await getStravaAccessToken(db, connection, { ...ctx, now, rejectedToken: token });
    return call(fresh);
  }
}

/**
 * Whether Strava still accepts our access for this athlete: a deauthorization event is believed only when
 * it does not (the event is unsigned; the token is the proof). A refused refresh, a refused token after a
 * refresh, or a link we no longer hold tokens for all mean "no longer authorized".
 */
export async function stravaStillAuthorized(db: Db, connection: Pick<VendorConnection, 'vendorUserId'>, ctx: StravaContext, now: Date): Promise<boolean> {
  const gone = (error: unknown) => error instanceof StravaUnauthorized || error instanceof StravaRejected || error instanceof VendorDisconnected;
  let token: string;
  try {
    token = await getStravaAccessToken(db, connection, { ...ctx, now });
    return await stravaTokenWorks(ctx.http, token, now);
  } catch (error) {
    if (!gone(error)) throw error;
  }
  try {
    const fresh = await getStravaAccessToken(db, connection, { ...ctx, now, rejectedToken: token! });
    return await stravaTokenWorks(ctx.http, fresh, now);
  } catch (error) {
    if (gone(error)) return false;
    throw error;
  }
}

export type VendorFailureAction = { action: 'retry-later'; delaySeconds: number } | { action: 'retry' } | { action: 'drop'; reason: string };

/**
 * How a worker should treat a failure from the calls above: a rate limit waits (retryLater, not the DLQ),
 * a vendor outage retries as usual, and a lost authorization or a refused request is dropped with a log
 * line since retrying cannot fix it. Our own misconfiguration (no key, a key that cannot decrypt) retries,
 * so it ends in the dead-letter queue, whose alarm calls a human, instead of silently dropping events.
 */
export function vendorFailureAction(error: unknown): VendorFailureAction {
  if (error instanceof RateLimited) return { action: 'retry-later', delaySeconds: error.retryAfterSeconds };
  if (error instanceof VendorDisconnected || error instanceof StravaUnauthorized || error instanceof StravaRejected) {
    return { action: 'drop', reason: (error as Error).name };
  }
  return { action: 'retry' };
}
