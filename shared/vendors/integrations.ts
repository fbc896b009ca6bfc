// Connecting and disconnecting vendor accounts, as the user asks through the API. The vendors' own
// revocations (deauthorization, deregistration) go through the worker (connections.ts revokeVendorAccess).
import type { z } from 'zod';
import type { GarminConnectBody, StravaConnectBody, VendorConnectionResponse } from '#shared/contracts/webhooks';
import type { Db } from '#shared/db/connection';
import type { ConnectedVendor } from '#shared/db/schema';
import { Conflict, InvalidInput, Unavailable, Unprocessable, UpstreamFailed } from '#shared/errors';
import { logger } from '#shared/logger';
import { findUserConnection, getStravaAccessToken, linkVendorAccount, unlinkVendor, VendorAccountTaken, type VendorConnection } from './connections';
import { tokenKey } from './credentials';
import { deauthorizeStrava, exchangeStravaCode, RateLimited, StravaRejected, StravaUnauthorized, withClientCredentials } from './strava/api';
import { stravaContext, type StravaContext } from './strava/client';

type ConnectionView = z.input<typeof VendorConnectionResponse>;

const view = (c: VendorConnection): ConnectionView => ({
  vendor: c.vendor,
  vendorUserId: c.vendorUserId,
  status: 'connected',
  scopes: c.scopes,
  connectedAt: c.connectedAt.toISOString(),
});

/** Strava's failures in the user's words; our own misconfiguration stays a 502 the logs explain. */
function stravaProblem(error: unknown): unknown {
  if (error instanceof StravaRejected)
    return new InvalidInput('Strava refused the authorization code; connect again', [
      { field: 'body.code', message: 'code was refused by Strava; connect again' },
    ]);
  if (error instanceof RateLimited) return new Unavailable('Strava is busy; try again later', error.retryAfterSeconds);
  if (error instanceof StravaUnauthorized) {
    logger.error('strava refused our client credentials');
    return new UpstreamFailed('Strava could not be reached; try again later');
  }
  if (error instanceof Error && error.name === 'StravaUnavailable') return new UpstreamFailed('Strava could not be reached; try again later');
  if (error instanceof VendorAccountTaken) return new Conflict(error.message);
  return error;
}

/** POST /integrations/strava/connect: the OAuth code for tokens, then the athlete linked to the user. */
export async function connectStrava(
  db: Db,
  userId: string,
  body: z.output<typeof StravaConnectBody>,
  now: Date,
  context?: StravaContext,
): Promise<ConnectionView> {
  const scopes = body.scope
    ? body.scope
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .slice(0, 16)
    : [];
  // The athlete may untick "view data about your activities" on Strava's consent page; without it every
  // event would fetch nothing, so say so now rather than connect an account that never syncs.
  if (body.scope !== undefined && !scopes.some((s) => s === 'activity:read' || s === 'activity:read_all')) {
    throw new Unprocessable([{ field: 'body.scope', message: 'Strava access to activities (activity:read) was not granted; connect again and allow it' }]);
  }
  try {
    const ctx = context ?? (await stravaContext());
    const tokens = await withClientCredentials(ctx.client, ctx.reloadClient, (client) => exchangeStravaCode(ctx.http, client, body.code, now));
    if (!tokens.athlete) throw new UpstreamFailed('Strava did not say which athlete connected');
    const connection = await linkVendorAccount(
      db,
      {
        userId,
        vendor: 'strava',
        vendorUserId: String(tokens.athlete.id),
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: new Date(tokens.expires_at * 1000),
        scopes,
      },
      ctx.key,
      now,
    );
    return view(connection);
  } catch (error) {
    throw stravaProblem(error);
  }
}

/**
 * POST /integrations/garmin/connect. Garmin's OAuth runs in the app's browser and ends with the Garmin
 * user id and user access token; we keep the token sealed and accept a push for this user only when it
 * carries the same token (connections.ts resolveVendorUsers).
 */
export async function connectGarmin(db: Db, userId: string, body: z.output<typeof GarminConnectBody>, now: Date, key?: Buffer): Promise<ConnectionView> {
  try {
    const connection = await linkVendorAccount(
      db,
      { userId, vendor: 'garmin', vendorUserId: body.garminUserId, accessToken: body.userAccessToken, scopes: [] },
      key ?? (await tokenKey()),
      now,
    );
    return view(connection);
  } catch (error) {
    if (error instanceof VendorAccountTaken) throw new Conflict(error.message);
    throw error;
  }
}

/**
 * DELETE /integrations/{vendor}: the tokens are erased here first (that is the promise), then Strava is
 * asked to revoke our access too, best effort: if that fails its events for the athlete find no link and
 * are dropped. Disconnecting what is not connected is a no-op (DELETE is idempotent).
 */
export async function disconnectVendor(db: Db, userId: string, vendor: ConnectedVendor, now: Date, context?: StravaContext): Promise<void> {
  const connection = await findUserConnection(db, userId, vendor);
  if (connection?.status !== 'connected') return;
  let stravaToken: string | undefined;
  let ctx: StravaContext | undefined;
  if (vendor === 'strava') {
    try {
      ctx = context ?? (await stravaContext());
      stravaToken = await getStravaAccessToken(db, connection, { ...ctx, now });
    } catch (error) {
      logger.warn('strava token unavailable for deauthorization', { errorName: (error as Error).name });
    }
  }
  await unlinkVendor(db, userId, vendor, now);
  if (stravaToken && ctx) {
    await deauthorizeStrava({ ...ctx.http, timeoutMs: 3000 }, stravaToken, now).catch((error: Error) =>
      logger.warn('strava deauthorization failed; the link is erased here anyway', { errorName: error.name }),
    );
  }
}
