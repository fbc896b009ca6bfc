// The real vendor payloads (test/fixtures/reference/vendors, copied from ../shared/vendors), and variants of them with
// fresh identities, so tests against a long-lived Redis never meet a previous run's idempotency records.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';

const samplesDir = new URL('../fixtures/reference/vendors/', import.meta.url);

export const sampleText = (file: string): string => readFileSync(new URL(file, samplesDir), 'utf8');
export const sample = <T = Record<string, unknown>>(file: string): T => JSON.parse(sampleText(file)) as T;

/** A Strava event like the sample, with a unique event_time (and object id unless given). */
export function freshStravaEvent(file = 'strava-event-create.json', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...sample(file), event_time: 1_700_000_000 + randomInt(1, 2 ** 31 - 1), ...overrides };
}

/** A unique summaryId for Garmin items. */
export const freshId = (prefix = 'x'): string => `${prefix}-${Date.now().toString(36)}-${randomInt(2 ** 40).toString(36)}`;
