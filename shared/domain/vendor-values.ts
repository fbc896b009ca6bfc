// How vendors' values become ours: instants, local dates, offsets, units, and "not measured". Pure; the
// vendor mappers (shared/vendors/*) apply these to each vendor's own fields.

/** Second-precision UTC ISO string: vendors record whole seconds, and one spelling keeps ids comparable. */
export function toUtcInstant(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The local calendar date of an instant at a fixed UTC offset. */
export function localDateAt(epochSeconds: number, offsetSeconds: number): string {
  return new Date((epochSeconds + offsetSeconds) * 1000).toISOString().slice(0, 10);
}

/** A vendor's 0 distance means "not measured" (manual or indoor entries), not a measurement. */
export const distanceOrNull = (m: number | null | undefined) => (m != null && m > 0 ? m : null);

/** Heart rate and RPE are whole numbers in the product; vendors sometimes send averages with decimals. */
export const roundOrNull = (v: number | null | undefined) => (v == null ? null : Math.round(v));

/** Seconds east of UTC from an ISO 8601 suffix ('Z', '+02:00'); 0 when there is none. */
export function utcOffsetSecondsOf(iso: string): number {
  const match = iso.match(/([+-])(\d{2}):(\d{2})$/);
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

/** A speed in m/s as a pace in s/km; a standing start (0) has no pace. */
export const paceFromSpeed = (metersPerSecond: number | undefined) =>
  metersPerSecond !== undefined && metersPerSecond > 0 ? 1000 / metersPerSecond : undefined;
