// Links between our users and their vendor accounts (vendor_connections): who a vendor's user id is,
// the vendor's tokens sealed at rest (crypto.ts), refresh when they expire, and forgetting them when
// the athlete disconnects here or revokes us at the vendor.
import type { Conn, Db } from '#shared/db/connection';
import type { ConnectedVendor, ConnectionStatus, VendorConnectionRow } from '#shared/db/schema';
import { logger } from '#shared/logger';
import { decryptToken, encryptToken } from './crypto';
import { refreshStravaToken, type ReloadClientCredentials, type StravaClientCredentials, type StravaHttp, withClientCredentials } from './strava/api';

export interface VendorConnection {
  id: string;
  userId: string;
  vendor: ConnectedVendor;
  vendorUserId: string;
  status: ConnectionStatus;
  /** When the access token expires (Strava); null when it does not (Garmin). */
  expiresAt: Date | null;
  scopes: string[];
  connectedAt: Date;
}

const toConnection = (
  row: Pick<VendorConnectionRow, 'id' | 'user_id' | 'vendor' | 'vendor_user_id' | 'status' | 'expires_at' | 'scopes' | 'connected_at'>,
): VendorConnection => ({
  id: row.id,
  userId: row.user_id,
  vendor: row.vendor,
  vendorUserId: row.vendor_user_id,
  status: row.status,
  expiresAt: row.expires_at,
  scopes: row.scopes,
  connectedAt: row.connected_at,
});

const connectionColumns = ['id', 'user_id', 'vendor', 'vendor_user_id', 'status', 'expires_at', 'scopes', 'connected_at'] as const;

/** Associated data that binds a sealed token to its link and its role. */
export const tokenContext = (vendor: ConnectedVendor, vendorUserId: string, kind: 'access' | 'refresh') => `${vendor}:${vendorUserId}:${kind}`;

/** The link is gone (disconnected or never made): drop the work, do not retry it. */
export class VendorDisconnected extends Error {
  constructor(vendor: ConnectedVendor, vendorUserId: string) {
    super(`${vendor} user ${vendorUserId} is not connected`);
    this.name = 'VendorDisconnected';
  }
}

/** The vendor account is already linked to another of our users. */
export class VendorAccountTaken extends Error {
  constructor(vendor: ConnectedVendor) {
    super(`This ${vendor} account is already connected to another RunningCoach account`);
    this.name = 'VendorAccountTaken';
  }
}

// ---- resolving ------------------------------------------------------------------------------------

export interface ResolveOptions {
  /**
   * Garmin pushes carry the user's access token next to the user id; when both we and the push have
   * one they must match, so a link made with someone else's Garmin user id receives nothing.
   */
  userAccessToken?: string;
  /** Needed to check `userAccessToken`. */
  key?: Buffer;
}

/**
 * Our user behind a vendor's user id (Strava athlete id, Garmin user id), or null when nobody is
 * connected under it: the caller drops the event with a log line.
 */
export async function resolveVendorUser(
  db: Conn,
  vendor: ConnectedVendor,
  vendorUserId: string,
  options: ResolveOptions = {},
): Promise<VendorConnection | null> {
  const tokens = options.userAccessToken === undefined ? undefined : new Map([[vendorUserId, options.userAccessToken]]);
  const found = await resolveVendorUsers(db, vendor, [vendorUserId], { userAccessTokens: tokens, key: options.key });
  return found.get(vendorUserId) ?? null;
}

/**
 * resolveVendorUser for many ids in one query (a Garmin push names several users), keyed by vendor
 * user id; unknown, disconnected and token-mismatched ids are absent.
 */
export async function resolveVendorUsers(
  db: Conn,
  vendor: ConnectedVendor,
  vendorUserIds: readonly string[],
  options: { userAccessTokens?: ReadonlyMap<string, string>; key?: Buffer } = {},
): Promise<Map<string, VendorConnection>> {
  const ids = [...new Set(vendorUserIds)];
  const out = new Map<string, VendorConnection>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('vendor_connections')
    .select([...connectionColumns, 'access_token_ciphertext'])
    .where('vendor', '=', vendor)
    .where('vendor_user_id', 'in', ids)
    .where('status', '=', 'connected')
    .execute();
  for (const row of rows) {
    const presented = options.userAccessTokens?.get(row.vendor_user_id);
    if (presented !== undefined && options.key && row.access_token_ciphertext) {
      const stored = decryptToken(row.access_token_ciphertext, options.key, tokenContext(vendor, row.vendor_user_id, 'access'));
      if (stored !== presented) {
        logger.warn('vendor user token does not match the link', { vendor, connectionId: row.id });
        continue;
      }
    }
    out.set(row.vendor_user_id, toConnection(row));
  }
  return out;
}

/** The user's link to a vendor, connected or not. */
export async function findUserConnection(db: Conn, userId: string, vendor: ConnectedVendor): Promise<VendorConnection | null> {
  const row = await db.selectFrom('vendor_connections').select(connectionColumns).where('user_id', '=', userId).where('vendor', '=', vendor).executeTakeFirst();
  return row ? toConnection(row) : null;
}

// ---- linking --------------------------------------------------------------------------------------

export interface LinkVendorInput {
  userId: string;
  vendor: ConnectedVendor;
  vendorUserId: string;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
  scopes?: string[];
}

/**
 * Connects (or reconnects) the user's account at a vendor. One link per user and vendor and one user per
 * vendor account: an account connected to someone else is refused (VendorAccountTaken); a link the other
 * user already disconnected gives way.
 */
export async function linkVendorAccount(db: Db, input: LinkVendorInput, key: Buffer, now: Date): Promise<VendorConnection> {
  const { userId, vendor, vendorUserId } = input;
  const sealed = {
    access_token_ciphertext: encryptToken(input.accessToken, key, tokenContext(vendor, vendorUserId, 'access')),
    refresh_token_ciphertext: input.refreshToken ? encryptToken(input.refreshToken, key, tokenContext(vendor, vendorUserId, 'refresh')) : null,
  };
  return db.transaction().execute(async (trx) => {
    const holder = await trx
      .selectFrom('vendor_connections')
      .select(['id', 'user_id', 'status'])
      .where('vendor', '=', vendor)
      .where('vendor_user_id', '=', vendorUserId)
      .forUpdate()
      .executeTakeFirst();
    if (holder && holder.user_id !== userId) {
      if (holder.status === 'connected') throw new VendorAccountTaken(vendor);
      await trx.deleteFrom('vendor_connections').where('id', '=', holder.id).execute();
    }
    const values = {
      ...sealed,
      vendor_user_id: vendorUserId,
      expires_at: input.expiresAt ?? null,
      scopes: input.scopes ?? [],
      status: 'connected' as const,
      disconnected_at: null,
      connected_at: now,
    };
    const row = await trx
      .insertInto('vendor_connections')
      .values({ user_id: userId, vendor, ...values })
      .onConflict((oc) => oc.columns(['user_id', 'vendor']).doUpdateSet(values))
      .returning(connectionColumns)
      .executeTakeFirstOrThrow();
    return toConnection(row);
  });
}

const erased = (now: Date) => ({
  status: 'disconnected' as const,
  disconnected_at: now,
  access_token_ciphertext: null,
  refresh_token_ciphertext: null,
  expires_at: null,
});

/** The user disconnects a vendor here: the tokens are erased, the link kept as 'disconnected'. False when there was no live link. */
export async function unlinkVendor(db: Conn, userId: string, vendor: ConnectedVendor, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('vendor_connections')
    .set(erased(now))
    .where('user_id', '=', userId)
    .where('vendor', '=', vendor)
    .where('status', '=', 'connected')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The athlete revoked us at the vendor (Strava deauthorization, Garmin deregistration): forget the tokens
 * and stop ingesting. A revocation from before the link's latest connection is stale and changes nothing.
 * Returns the link it disconnected, if any. Already imported activities stay.
 */
export async function revokeVendorAccess(
  db: Conn,
  vendor: ConnectedVendor,
  vendorUserId: string,
  occurredAt: Date,
  now: Date,
): Promise<VendorConnection | null> {
  const row = await db
    .updateTable('vendor_connections')
    .set(erased(now))
    .where('vendor', '=', vendor)
    .where('vendor_user_id', '=', vendorUserId)
    .where('status', '=', 'connected')
    .where('connected_at', '<=', occurredAt)
    .returning(connectionColumns)
    .executeTakeFirst();
  return row ? toConnection(row) : null;
}

/** Garmin userPermissionsChange: the permissions the user now grants. */
export async function updateVendorScopes(db: Conn, vendor: ConnectedVendor, vendorUserId: string, scopes: string[], occurredAt: Date): Promise<boolean> {
  const result = await db
    .updateTable('vendor_connections')
    .set({ scopes })
    .where('vendor', '=', vendor)
    .where('vendor_user_id', '=', vendorUserId)
    .where('status', '=', 'connected')
    .where('connected_at', '<=', occurredAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---- Strava tokens --------------------------------------------------------------------------------

/** Refresh a little before expiry: a token that expires mid-request fails the request. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface StravaTokenDeps {
  http: StravaHttp;
  client: StravaClientCredentials;
  key: Buffer;
  /** The caller's time: a token expiring within the margin of it is refreshed. */
  now: Date;
  /** A token Strava just refused (401): get a different one even if it has not expired. */
  rejectedToken?: string;
  /** Reads the client credentials again when Strava refuses them (see withClientCredentials). */
  reloadClient?: ReloadClientCredentials;
}

/**
 * A usable Strava access token for the link, refreshed when it expires (or was refused) and stored with
 * the refresh token Strava may have rotated. Refreshes are serialized per link by a row lock, so two
 * workers never spend one refresh token twice; the second finds the first one's fresh token.
 */
export async function getStravaAccessToken(db: Db, connection: Pick<VendorConnection, 'vendorUserId'>, deps: StravaTokenDeps): Promise<string> {
  const { now } = deps;
  const accessContext = tokenContext('strava', connection.vendorUserId, 'access');
  const usable = (row: { access_token_ciphertext: string | null; expires_at: Date | null }) => {
    if (!row.access_token_ciphertext) return undefined;
    if (row.expires_at && row.expires_at.getTime() - REFRESH_MARGIN_MS <= now.getTime()) return undefined;
    const token = decryptToken(row.access_token_ciphertext, deps.key, accessContext);
    return token === deps.rejectedToken ? undefined : token;
  };
  const read = (conn: Conn, lock: boolean) => {
    const query = conn
      .selectFrom('vendor_connections')
      .select(['access_token_ciphertext', 'refresh_token_ciphertext', 'expires_at'])
      .where('vendor', '=', 'strava')
      .where('vendor_user_id', '=', connection.vendorUserId)
      .where('status', '=', 'connected');
    return (lock ? query.forUpdate() : query).executeTakeFirst();
  };

  const current = await read(db, false);
  if (!current) throw new VendorDisconnected('strava', connection.vendorUserId);
  const ready = usable(current);
  if (ready) return ready;

  return db.transaction().execute(async (trx) => {
    const row = await read(trx, true);
    if (!row) throw new VendorDisconnected('strava', connection.vendorUserId);
    const refreshedMeanwhile = usable(row);
    if (refreshedMeanwhile) return refreshedMeanwhile;
    if (!row.refresh_token_ciphertext) throw new VendorDisconnected('strava', connection.vendorUserId);
    const refreshToken = decryptToken(row.refresh_token_ciphertext, deps.key, tokenContext('strava', connection.vendorUserId, 'refresh'));
    const tokens = await withClientCredentials(deps.client, deps.reloadClient, (client) => refreshStravaToken(deps.http, client, refreshToken, now));
    await trx
      .updateTable('vendor_connections')
      .set({
        access_token_ciphertext: encryptToken(tokens.access_token, deps.key, accessContext),
        refresh_token_ciphertext: encryptToken(tokens.refresh_token, deps.key, tokenContext('strava', connection.vendorUserId, 'refresh')),
        expires_at: new Date(tokens.expires_at * 1000),
      })
      .where('vendor', '=', 'strava')
      .where('vendor_user_id', '=', connection.vendorUserId)
      .execute();
    return tokens.access_token;
  });
}
