// Strava's rate-limit headers: how much of the budget is spent and when requests may resume. Pure.
// https://developers.strava.com/docs/rate-limits/

export interface RateLimitWindow {
  limit: number;
  usage: number;
  resetsAt: Date;
}
export interface RateLimitBudget {
  fifteenMinute: RateLimitWindow;
  daily: RateLimitWindow;
}
export interface StravaRateLimit {
  /** X-RateLimit-Limit / X-RateLimit-Usage: every request. */
  overall: RateLimitBudget | null;
  /** X-ReadRateLimit-*: Strava's separate, smaller budget for reads, which our GETs also spend. */
  read: RateLimitBudget | null;
  /** When requests may resume; null when no budget is spent and the response was not a 429. */
  retryAt: Date | null;
  /** Whole seconds until retryAt; 0 when there is nothing to wait for. */
  backoffSeconds: number;
}

export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * Reads Strava's "15min,daily" limit and usage headers. A spent window is waited out to its reset: the
 * 15-minute windows reset at :00/:15/:30/:45 UTC, the daily one at midnight UTC. A 429 whose headers show
 * no spent window (another process raced us) waits for the next quarter hour.
 */
export function parseRateLimit(headers: HeaderSource, now: Date, status?: number): StravaRateLimit {
  const nextQuarter = new Date(Math.floor(now.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS);
  const nextMidnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const budget = (prefix: string): RateLimitBudget | null => {
    const limit = pair(header(headers, `${prefix}-Limit`));
    const usage = pair(header(headers, `${prefix}-Usage`));
    if (!limit || !usage) return null;
    return {
      fifteenMinute: { limit: limit[0], usage: usage[0], resetsAt: nextQuarter },
      daily: { limit: limit[1], usage: usage[1], resetsAt: nextMidnight },
    };
  };
  const overall = budget('X-RateLimit');
  const read = budget('X-ReadRateLimit');
  const spent = [overall, read]
    .flatMap((b) => (b ? [b.fifteenMinute, b.daily] : []))
    .filter((w) => w.usage >= w.limit)
    .map((w) => w.resetsAt.getTime());
  if (spent.length === 0 && status === 429) spent.push(nextQuarter.getTime());
  if (spent.length === 0) return { overall, read, retryAt: null, backoffSeconds: 0 };
  const retryAt = new Date(Math.max(...spent));
  return { overall, read, retryAt, backoffSeconds: Math.ceil((retryAt.getTime() - now.getTime()) / 1000) };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (key.toLowerCase() === wanted) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

function pair(value: string | undefined): [number, number] | null {
  const match = value?.match(/^\s*(\d{1,12})\s*,\s*(\d{1,12})\s*$/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}
