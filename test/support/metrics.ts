// Shared by the training-load tests and the load benchmark: activities made from daily loads, the load
// vectors' shape, a publisher that records, a pinned clock and a round-trip counter.
import { randomUUID } from 'node:crypto';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Clock } from '#shared/clock';
import type { Conn, Db } from '#shared/db/connection';
import type { NewActivity } from '#shared/db/schema';
import type { DailyLoad } from '#shared/domain/load';
import type { OutgoingEvent } from '#shared/events/catalogue';
import type { EventPublisher } from '#shared/events/publisher';

export type { LoadVector, LoadVectorRow } from '#test/unit/domain/support';

/** An activity's internal load is at most 14,400 (24 h x RPE 10); RPE 5 caps one at 7,200 (1,440 min). */
const RPE = 5;
const MAX_MINUTES = 1440;

/**
 * The activities that make `load` on `date` for a UTC user: RPE 5 for load/5 minutes, split when longer than a
 * day allows; a load of 0 is a session without RPE (no internal load), which still starts the series.
 */
export function activitiesFor(userId: string, { date, load }: DailyLoad, hour = 7): NewActivity[] {
  const parts: number[] = [];
  let left = load;
  while (left > RPE * MAX_MINUTES) {
    parts.push(RPE * MAX_MINUTES);
    left -= RPE * MAX_MINUTES;
  }
  parts.push(left);
  return parts.map((part, i) => ({
    user_id: userId,
    source: 'manual',
    external_id: randomUUID(),
    type: 'run',
    start_time: `${date}T${String(hour + i).padStart(2, '0')}:00:00Z`,
    local_date: date,
    duration_minutes: part === 0 ? 30 : part / RPE,
    rpe: part === 0 ? null : RPE,
    internal_load: part === 0 ? null : part,
  }));
}

/** Inserts the activities for many daily loads (in chunks, one statement each). Returns their ids. */
export async function insertLoads(db: Conn, userId: string, loads: readonly DailyLoad[], hour = 7): Promise<string[]> {
  const rows = loads.flatMap((day) => activitiesFor(userId, day, hour));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const inserted = await db
      .insertInto('activities')
      .values(rows.slice(i, i + 1000))
      .returning('id')
      .execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export class RecordingPublisher implements EventPublisher {
  readonly published: OutgoingEvent[] = [];
  failNext = 0;
  async publish(events: ReadonlyArray<OutgoingEvent>): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('PutEvents failed (test)');
    }
    this.published.push(...events);
  }
}

export function fixedClock(instant: string): Clock & { set(instant: string): void } {
  let now = new Date(instant);
  return { now: () => now, set: (next: string) => void (now = new Date(next)) };
}

/**
 * Counts the statements a Kysely handle sends (each one a round trip): every query, raw SQL included, passes
 * through transformResult once. Transactions' BEGIN/COMMIT bypass plugins, so code measured with it must not
 * open one (the rolling-stats recompute does not).
 */
export class RoundTripCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

export function countingDb(db: Db): { db: Db; counter: RoundTripCounter } {
  const counter = new RoundTripCounter();
  return { db: db.withPlugin(counter), counter };
}
