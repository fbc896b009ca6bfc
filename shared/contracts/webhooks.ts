// Request and response schemas of the vendor webhooks and integration routes. Vendor bodies themselves
// are the vendor schemas of shared/vendors (StravaEvent, GarminPush, AppleRelay).
import { z } from 'zod';
import { connectedVendors } from '../db/schema';

const receiptStatus = z.enum(['accepted', 'duplicate']);

/** Strava's subscription validation echo. */
export const StravaChallengeResponse = z.object({ 'hub.challenge': z.string() });

export const StravaWebhookResponse = z.object({
  /** accepted: published; duplicate: a retry of an event already published; ignored: nothing to do. */
  status: z.enum(['accepted', 'duplicate', 'ignored']),
});

export const GarminWebhookResponse = z.object({
  accepted: z.int().nonnegative(),
  duplicates: z.int().nonnegative(),
});

export const AppleRelayResponse = z.object({
  /** One per workout, then one per daily, in the order posted. */
  results: z.array(
    z.object({
      kind: z.enum(['workout', 'daily']),
      /** The workout's UUID (upper case) or the daily's date. */
      id: z.string(),
      status: receiptStatus,
    }),
  ),
});

export const StravaConnectBody = z.object({
  /** The `code` Strava appended to the app's redirect URL. */
  code: z.string().min(1).max(512),
  /** The `scope` Strava appended too (comma-separated), kept with the link. */
  scope: z.string().max(512).optional(),
});

/**
 * Garmin's OAuth runs in a browser (the app's web view) and ends with the Garmin user id and user access
 * token; the app posts them here. The worker only accepts pushes whose userAccessToken matches.
 */
export const GarminConnectBody = z.object({
  garminUserId: z.string().min(1).max(128),
  userAccessToken: z.string().min(1).max(512),
});

export const VendorConnectionResponse = z.object({
  vendor: z.enum(connectedVendors),
  vendorUserId: z.string(),
  status: z.literal('connected'),
  scopes: z.array(z.string()),
  connectedAt: z.iso.datetime(),
});

export const VendorParams = z.object({ vendor: z.enum(connectedVendors) });
