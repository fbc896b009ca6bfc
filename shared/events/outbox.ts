// Transactional outbox: events are written in the same transaction as the change they announce and
// published right after commit. PutEvents can fail after the commit; the rows then stay, and the
// relay (functions/schedules/relay-outbox.ts) publishes them later. Consumers are state-based, so an
// event published twice (a slow first attempt and the relay) is harmless; an event never published is not.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn, Db } from '#shared/db/connection';
import type { JsonObject } from '#shared/db/schema';
import { errorFields, logger } from '#shared/logger';
import { eventDetailSchemas, type DetailType, type OutgoingEvent } from './catalogue';
import type { EventPublisher } from './publisher';

export interface EnqueuedEvent {
  id: string;
  event: OutgoingEvent;
}

/** Writes the events inside the caller's transaction (one statement); validates them as the publisher would. */
export async function enqueueEvents(trx: Conn, events: readonly OutgoingEvent[]): Promise<EnqueuedEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    detail_type: e.detailType,
    detail: JSON.stringify(eventDetailSchemas[e.detailType as DetailType].parse(e.detail)),
  }));
  const inserted = await trx.insertInto('event_outbox').values(rows).returning('id').execute();
  return inserted.map((r, i) => ({ id: r.id, event: events[i]! }));
}

/**
 * The outbox rows of these events, validated as enqueueEvents does, for a caller that writes them inside a
 * statement of its own (one round trip for several tables): each row's id is chosen here, so nothing needs to
 * come back from the insert. Insert every row of `columns` (arrays: id uuid[], detail_type text[], detail jsonb[]).
 */
export function outboxRows(events: readonly OutgoingEvent[]): { enqueued: EnqueuedEvent[]; columns: { id: string[]; detailType: string[]; detail: string[] } } {
  const enqueued = events.map((event) => ({ id: randomUUID(), event }));
  return {
    enqueued,
    columns: {
      id: enqueued.map((e) => e.id),
      detailType: events.map((e) => e.detailType),
      detail: events.map((e) => JSON.stringify(eventDetailSchemas[e.detailType as DetailType].parse(e.detail))),
    },
  };
}

/**
 * After commit: publishes the events and removes them from the outbox. A failure is logged, not thrown:
 * the change is committed and the relay will publish the rows left behind.
 */
export async function publishEnqueued(db: Db, publisher: EventPublisher, enqueued: readonly EnqueuedEvent[]): Promise<boolean> {
  if (enqueued.length === 0) return true;
  try {
    await publisher.publish(enqueued.map((e) => e.event));
  } catch (error) {
    const e = error as Error;
    logger.warn('events left in the outbox for the relay', { count: enqueued.length, ...errorFields(e) });
    return false;
  }
  await db
    .deleteFrom('event_outbox')
    .where('id', '=', sql<string>`any(${enqueued.map((e) => e.id)}::uuid[])`)
    .execute();
  return true;
}

export interface RelayOptions {
  /** Rows younger than this are probably being published by their own writer right now. */
  minAgeSeconds?: number;
  limit?: number;
}

/** Seconds since the oldest unpublished event was written (0 when none waits): alarmed on in AWS. */
export async function oldestOutboxAgeSeconds(db: Db): Promise<number> {
  const row = await db
    .selectFrom('event_outbox')
    .select(sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as('age'))
    .executeTakeFirstOrThrow();
  return Math.round(Number(row.age));
}

/** Publishes what writers left behind, oldest first; rows are locked so two relays never take the same ones. */
export async function relayOutbox(db: Db, publisher: EventPublisher, options: RelayOptions = {}): Promise<number> {
  const minAge = options.minAgeSeconds ?? 30;
  const limit = options.limit ?? 100;
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('event_outbox')
      .select(['id', 'detail_type', 'detail'])
      .where('created_at', '<=', sql<Date>`now() - make_interval(secs => ${minAge})`)
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return 0;
    await publisher.publish(rows.map((r) => ({ detailType: r.detail_type as DetailType, detail: r.detail as JsonObject }) as OutgoingEvent));
    await trx
      .deleteFrom('event_outbox')
      .where('id', '=', sql<string>`any(${rows.map((r) => r.id)}::uuid[])`)
      .execute();
    return rows.length;
  });
}
