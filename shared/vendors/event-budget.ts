// Strava's webhook is unsigned: anyone can post an event naming a linked athlete. Each event costs us a
// Strava API call (to fetch, or to verify, what it claims), paid from the application's one rate budget.
// So unverified events get a budget per link: past it, their calls wait for the next window.
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';

/** A real athlete causes a handful of events an hour; a bulk upload some dozens. */
export const EVENT_CALLS_PER_WINDOW = 60;
export const EVENT_CALL_WINDOW_SECONDS = 15 * 60;

export type BudgetVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Spends one call of the link's budget, in one statement (a new window starts when the old one is over). */
export async function spendEventCall(db: Conn, linkId: string, now: Date): Promise<BudgetVerdict> {
  const { rows } = await sql<{ event_calls: number; event_calls_window_start: Date }>`
    update vendor_connections
       set event_calls = case when event_calls_window_start is null
                                or event_calls_window_start <= ${now}::timestamptz - make_interval(secs => ${EVENT_CALL_WINDOW_SECONDS})
                              then 1 else event_calls + 1 end,
           event_calls_window_start = case when event_calls_window_start is null
                                             or event_calls_window_start <= ${now}::timestamptz - make_interval(secs => ${EVENT_CALL_WINDOW_SECONDS})
                                           then ${now}::timestamptz else event_calls_window_start end
     where id = ${linkId}::uuid
    returning event_calls, event_calls_window_start`.execute(db);
  const row = rows[0];
  if (!row || row.event_calls <= EVENT_CALLS_PER_WINDOW) return { ok: true };
  const resets = row.event_calls_window_start.getTime() + EVENT_CALL_WINDOW_SECONDS * 1000;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((resets - now.getTime()) / 1000)) };
}
