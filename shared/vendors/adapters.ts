// The ports of ports.ts, implemented on the database, Strava's API and the claim-check store. The
// normalization worker builds them once per container: `vendorConnections(getDb(), clock)`, ... The
// clock is the caller's (the worker's): a port method reads it once per call, nothing here reads one itself.
import type { Db } from '#shared/db/connection';
import { loadClaimCheck, type ClaimCheckStore } from '#shared/events/claim-check';
import { resolveVendorUsers, revokeVendorAccess, updateVendorScopes } from './connections';
import { vendorCredentials } from './credentials';
import type { ClaimCheckReader, StravaActivities, VendorConnections, VendorLink } from './ports';
import type { Clock } from '#shared/clock';
import { spendEventCall } from './event-budget';
import { fetchStravaActivity } from './strava/api';
import { asStravaAthlete, stravaContext, stravaStillAuthorized, type StravaContext } from './strava/client';

export function vendorConnections(db: Db, clock: Clock): VendorConnections {
  return {
    async resolve(vendor, users) {
      // The Garmin webhook is public and its user ids are not secrets: every real push carries the user's
      // access token, so one without it (a forgery) resolves to nobody instead of skipping the check.
      const checked = vendor === 'garmin' ? users.filter((u) => u.userAccessToken !== undefined) : users;
      const tokens = new Map<string, string>();
      for (const u of checked) if (u.userAccessToken !== undefined) tokens.set(u.vendorUserId, u.userAccessToken);
      const key = tokens.size > 0 ? (await vendorCredentials()).tokenKey : undefined;
      const found = await resolveVendorUsers(
        db,
        vendor,
        checked.map((u) => u.vendorUserId),
        { userAccessTokens: tokens, key },
      );
      const links = new Map<string, VendorLink>();
      for (const [id, c] of found) links.set(id, { id: c.id, userId: c.userId, vendor: c.vendor, vendorUserId: c.vendorUserId });
      return links;
    },
    async revoke(vendor, vendorUserId, occurredAt) {
      await revokeVendorAccess(db, vendor, vendorUserId, occurredAt, clock.now());
    },
    async updateScopes(vendor, vendorUserId, scopes, occurredAt) {
      await updateVendorScopes(db, vendor, vendorUserId, scopes, occurredAt);
    },
  };
}

/** `context` for tests (a fake Strava's URL, fixed credentials); by default from configuration. */
export function stravaActivities(db: Db, clock: Clock, context?: StravaContext): StravaActivities {
  const lookUp = async (link: VendorLink, activityId: string) => {
    const ctx = context ?? (await stravaContext());
    const now = clock.now();
    return asStravaAthlete(db, link, ctx, now, (token) => fetchStravaActivity(ctx.http, token, activityId, now));
  };
  return {
    async fetchActivity(link, activityId) {
      const found = await lookUp(link, activityId);
      return found.status === 'found' ? found.activity : null;
    },
    async activityGone(link, activityId) {
      return (await lookUp(link, activityId)).status === 'not-found';
    },
    async stillAuthorized(link) {
      return stravaStillAuthorized(db, link, context ?? (await stravaContext()), clock.now());
    },
    async spendEventCall(link) {
      return spendEventCall(db, link.id, clock.now());
    },
  };
}

export function claimCheckReader(store?: ClaimCheckStore): ClaimCheckReader {
  return { read: (pointer) => loadClaimCheck(pointer, store) };
}
