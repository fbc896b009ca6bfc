// The seam between the two halves of ingestion. The webhook half (functions/webhooks/*, connections.ts,
// strava/client.ts, the claim-check store) publishes ActivityReceived and implements the I/O ports below;
// the normalization half (functions/workers/normalize-activity.ts, shared/activities/*) consumes them
// through these interfaces (adapters.ts builds the real ones), so either side is tested with fakes.
import type * as z from 'zod';
import type { ConnectedVendor } from '#shared/db/schema';
import { AppleRelay } from './apple/relay';
import { GarminPush } from './garmin/push';
import type { StravaActivity } from './strava/activity';
import { StravaEvent } from './strava/webhook';

// ---- the ActivityReceived payload -----------------------------------------------------------------

/**
 * What `ActivityReceived.detail.payload` (or the object its claim check points at) holds, by
 * `detail.vendor`: the vendor's own body format, cut down to the items of one event.
 * - strava: one webhook event exactly as Strava posted it (create/update/delete, athlete deauthorization).
 * - garmin: one push holding one summary (any type the worker knows: activities, activityDetails,
 *   manuallyUpdatedActivities, dailies, sleeps, hrv, deregistrations, userPermissionsChange). Several
 *   items are accepted too; each carries its Garmin userId.
 * - apple: one relay holding one workout, or the dailies; `detail.userId` must be set (the relay is
 *   authenticated as the user, so there is no vendor id to resolve).
 * The worker parses with these schemas again: a payload that does not parse is a poison message.
 */
export const receivedPayloadSchemas = {
  strava: StravaEvent,
  garmin: GarminPush,
  apple: AppleRelay,
} as const;
export type ReceivedVendor = keyof typeof receivedPayloadSchemas;
export type ReceivedPayload<V extends ReceivedVendor> = z.infer<(typeof receivedPayloadSchemas)[V]>;

// ---- vendor accounts ------------------------------------------------------------------------------

/** A connected vendor account and the user it belongs to. */
export interface VendorLink {
  /** vendor_connections.id */
  id: string;
  userId: string;
  vendor: ConnectedVendor;
  /** Strava athlete id / Garmin userId, as text. */
  vendorUserId: string;
}

export interface VendorUserRef {
  vendorUserId: string;
  /** Garmin pushes carry it: when both the push and the link have one they must match (else: unknown user). */
  userAccessToken?: string;
}

export interface VendorConnections {
  /**
   * The connected links among these vendor users, keyed by vendor user id (one query for the whole batch
   * where possible). Unknown, disconnected and token-mismatched users are simply absent: the worker drops
   * their events with a log line and does not retry them.
   */
  resolve(vendor: ConnectedVendor, users: readonly VendorUserRef[]): Promise<Map<string, VendorLink>>;
  /**
   * The athlete revoked us at the vendor (Strava deauthorization, Garmin deregistration) at `occurredAt`:
   * forget the tokens and stop ingesting. Idempotent; stale (older than the link's latest connection) and
   * unknown ids change nothing.
   */
  revoke(vendor: ConnectedVendor, vendorUserId: string, occurredAt: Date): Promise<void>;
  /** Garmin userPermissionsChange: the permissions the user now grants. */
  updateScopes(vendor: ConnectedVendor, vendorUserId: string, scopes: string[], occurredAt: Date): Promise<void>;
}

// ---- Strava API -----------------------------------------------------------------------------------

export interface StravaActivities {
  /**
   * GET {STRAVA_API_URL}/api/v3/activities/{activityId} with the link's access token, refreshed (and the
   * rotated refresh token stored) when expired. Null when Strava no longer shows it (deleted, private).
   * Throws `RateLimited` (strava/api.ts: the worker puts the message back with that delay),
   * `VendorDisconnected` / `StravaUnauthorized` (the athlete revoked us: dropped), anything else: retried.
   */
  fetchActivity(link: VendorLink, activityId: string): Promise<StravaActivity | null>;
  /** Whether Strava answers 404 for the activity (the only proof a delete event is genuine). Same errors as fetchActivity. */
  activityGone(link: VendorLink, activityId: string): Promise<boolean>;
  /** Whether Strava still accepts our token for the athlete (a deauthorization event is believed only when not). */
  stillAuthorized(link: VendorLink): Promise<boolean>;
  /** Spends one API call of the link's budget for unverified events (event-budget.ts). */
  spendEventCall(link: VendorLink): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
}

// ---- claim checks ---------------------------------------------------------------------------------

export interface ClaimCheckReader {
  /** The payload stored under `ActivityReceived.detail.claimCheck`, parsed. Throws when it cannot be read (retried). */
  read(pointer: string): Promise<unknown>;
}
