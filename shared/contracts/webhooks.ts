// Request and response schemas of the vendor webhooks and integration routes. Vendor bodies themselves
// are the vendor schemas of shared/vendors (StravaEvent, GarminPush, AppleRelay).
import * as z from 'zod';
import { connectedVendors } from '#shared/db/schema';

const receiptStatus = z.enum(['accepted', 'duplicate']);

/** Strava's subscription validation echo. */
export const StravaChallengeResponse = z
  .object({ 'hub.challenge': z.string() })
  .meta({ id: 'StravaChallenge', examples: [{ 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3' }] });

export const StravaWebhookResponse = z
  .object({
    /** accepted: published; duplicate: a retry of an event already published; ignored: nothing to do. */
    status: z.enum(['accepted', 'duplicate', 'ignored']),
  })
  .meta({ id: 'StravaWebhookReceipt', examples: [{ status: 'accepted' }] });

export const GarminWebhookResponse = z
  .object({
    accepted: z.int().nonnegative(),
    duplicates: z.int().nonnegative(),
  })
  .meta({ id: 'GarminWebhookReceipt', examples: [{ accepted: 2, duplicates: 0 }] });

export const AppleRelayResponse = z
  .object({
    /** One per workout, then one per daily, in the order posted. */
    results: z.array(
      z.object({
        kind: z.enum(['workout', 'daily']),
        /** The workout's UUID (upper case) or the daily's date. */
        id: z.string(),
        status: receiptStatus,
      }),
    ),
  })
  .meta({
    id: 'AppleRelayReceipt',
    examples: [
      {
        results: [
          { kind: 'workout', id: '3F2504E0-4F89-11D3-9A0C-0305E82C3301', status: 'accepted' },
          { kind: 'daily', id: '2024-05-01', status: 'duplicate' },
        ],
      },
    ],
  });

export const StravaConnectBody = z
  .object({
    /** The `code` Strava appended to the app's redirect URL. */
    code: z.string().min(1).max(512),
    /** The `scope` Strava appended too (comma-separated), kept with the link. */
    scope: z.string().max(512).optional(),
  })
  .meta({ id: 'StravaConnectBody', examples: [{ code: '9c5f1e0a2b3d4c5e6f7a8b9c0d1e2f3a4b5c6d7e', scope: 'read,activity:read_all' }] });

/**
 * Garmin's OAuth runs in a browser (the app's web view) and ends with the Garmin user id and user access
 * token; the app posts them here. The worker only accepts pushes whose userAccessToken matches.
 */
export const GarminConnectBody = z
  .object({
    garminUserId: z.string().min(1).max(128),
    userAccessToken: z.string().min(1).max(512),
  })
  .meta({
    id: 'GarminConnectBody',
    examples: [{ garminUserId: 'a1b2c3d4-e5f6-4789-abcd-ef0123456789', userAccessToken: 'c9d8e7f6-a5b4-4c3d-2e1f-0a9b8c7d6e5f' }],
  });

export const VendorConnectionResponse = z
  .object({
    vendor: z.enum(connectedVendors),
    vendorUserId: z.string(),
    status: z.literal('connected'),
    scopes: z.array(z.string()),
    connectedAt: z.iso.datetime(),
  })
  .meta({
    id: 'VendorConnection',
    examples: [
      { vendor: 'strava', vendorUserId: '134815', status: 'connected', scopes: ['read', 'activity:read_all'], connectedAt: '2024-05-01T06:31:12.000Z' },
    ],
  });

export const VendorParams = z.object({ vendor: z.enum(connectedVendors).meta({ examples: ['strava'] }) });
