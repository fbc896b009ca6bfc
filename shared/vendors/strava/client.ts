// What the normalization worker calls to read a Strava activity: the athlete's token (refreshed when it
// expires or is refused), the API call, and one verdict per failure: wait out a rate limit, retry, or drop.
import type { Db } from '../../db/connection';
import { VendorDisconnected, getStravaAccessToken, type VendorConnection } from '../connections';
import { VendorNotConfigured, vendorCredentials } from '../credentials';
import type { StravaActivity } from './webhook';
import {
  RateLimited,
  StravaRejected,
  StravaUnauthorized,
  getStravaActivity,
  lookUpStravaActivity,
  stravaTokenWorks,
  type StravaActivityLookup,
  type StravaClientCredentials,
  type StravaHttp,
} from './api';

export { RateLimited, StravaRejected, StravaUnauthorized, StravaUnavailable } from './api';
export type { StravaHttp } from './api';

export interface StravaContext {
  http: StravaHttp;
  client: StravaClientCredentials;
  key: Buffer;
}

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
  };
}

/**
 * GET /api/v3/activities/{activityId} as the athlete of `connection` (from resolveVendorUser). Null when
 * Strava no longer shows it (deleted, or private to us). Throws RateLimited (put the message back with
 * `retryAfterSeconds`), StravaUnavailable (retry), VendorDisconnected / StravaUnauthorized /
 * StravaRejected (drop): see `stravaFailureAction`.
 */
export async function fetchStravaActivity(
  db: Db,
  connection: Pick<VendorConnection, 'vendorUserId'>,
  activityId: string,
  context?: StravaContext,
): Promise<StravaActivity | null> {
  const ctx = context ?? (await stravaContext());
  const token = await getStravaAccessToken(db, connection, ctx);
  try {
    return await getStravaActivity(ctx.http, token, activityId);
  } catch (error) {
    if (!(error instanceof StravaUnauthorized)) throw error;
    // Revoked early or rotated elsewhere: one fresh token, one more try.
    const fresh = await getStravaAccessToken(db, connection, { ...ctx, rejectedToken: token });
    return getStravaActivity(ctx.http, fresh, activityId);
  }
}

/** The activity's status at Strava (see lookUpStravaActivity), with the same token handling as fetchStravaActivity. */
export async function lookUpStravaActivityAs(
  db: Db,
  connection: Pick<VendorConnection, 'vendorUserId'>,
  activityId: string,
  context?: StravaContext,
): Promise<StravaActivityLookup> {
  const ctx = context ?? (await stravaContext());
  const token = await getStravaAccessToken(db, connection, ctx);
  try {
    return await lookUpStravaActivity(ctx.http, token, activityId);
  } catch (error) {
    if (!(error instanceof StravaUnauthorized)) throw error;
    const fresh = await getStravaAccessToken(db, connection, { ...ctx, rejectedToken: token });
    return lookUpStravaActivity(ctx.http, fresh, activityId);
  }
}

/**
 * Whether Strava still accepts our access for this athlete: a deauthorization event is believed only when
 * it does not (the event is unsigned; the token is the proof). A refused refresh, a refused token after a
 * refresh, or a link we no longer hold tokens for all mean "no longer authorized".
 */
export async function stravaStillAuthorized(db: Db, connection: Pick<VendorConnection, 'vendorUserId'>, context?: StravaContext): Promise<boolean> {
  const ctx = context ?? (await stravaContext());
  const gone = (error: unknown) => error instanceof StravaUnauthorized || error instanceof StravaRejected || error instanceof VendorDisconnected;
  let token: string;
  try {
    token = await getStravaAccessToken(db, connection, ctx);
    return await stravaTokenWorks(ctx.http, token);
  } catch (error) {
    if (!gone(error)) throw error;
  }
  try {
    const fresh = await getStravaAccessToken(db, connection, { ...ctx, rejectedToken: token! });
    return await stravaTokenWorks(ctx.http, fresh);
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
