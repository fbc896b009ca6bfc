// Garmin push notifications to intake items: one per summary, each wrapped as a push of its own so the
// worker reads it with the same GarminPush schema and mappers (shared/vendors/ports.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GarminPush } from '#shared/vendors/garmin/push';
import { contentDigest } from './event-key';
import type { IntakeItem } from './intake';

type SummaryType = keyof GarminPush;

/** Every summary type GarminPush validates, in the order the worker prefers (activities before their details). */
export const garminSummaryTypes = [
  'activities',
  'activityDetails',
  'manuallyUpdatedActivities',
  'dailies',
  'sleeps',
  'hrv',
  'deregistrations',
  'userPermissionsChange',
] as const satisfies readonly SummaryType[];

/**
 * Event identity: summary type, Garmin user, summaryId (a deregistration or permission change has none)
 * and a digest of the summary, because Garmin re-sends an updated summary under the same summaryId.
 */
export function garminIntakeItems(push: GarminPush): IntakeItem[] {
  const items: IntakeItem[] = [];
  for (const type of garminSummaryTypes) {
    for (const summary of push[type] ?? []) {
      const id = 'summaryId' in summary ? summary.summaryId : '-';
      items.push({
        vendor: 'garmin',
        eventKey: `garmin:${type}:${summary.userId}:${id}:${contentDigest(summary)}`,
        payload: { [type]: [summary] },
      });
    }
  }
  return items;
}

/** Garmin's OAuth 2 pushes name our client in this header; older pushes have none. */
export const GARMIN_CLIENT_ID_HEADER = 'garmin-client-id';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * False only when both we and the push name a consumer and they differ (compared in constant time).
 * Without a configured key, or a push without the header, there is nothing to check.
 */
export function addressedToUs(headers: Readonly<Record<string, string>>, consumerKey: string | undefined): boolean {
  const presented = headers[GARMIN_CLIENT_ID_HEADER];
  if (!consumerKey || presented === undefined) return true;
  return timingSafeEqual(digest(presented), digest(consumerKey));
}
