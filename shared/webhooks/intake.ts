// The webhook fast path after validation: each vendor event is published as one ActivityReceived, once.
// Retries and concurrent deliveries of the same event are deduplicated with Powertools idempotency keyed
// on the vendor's event identity (eventKey), its records in Redis/Valkey (cache persistence layer). A
// publish that fails deletes the record and answers 5xx, so the vendor's retry publishes it: never 200
// with the event lost. Payloads too large for EventBridge travel by claim check. No database here.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { cacheClient, type CacheClient } from '#shared/cache/client';
import type { IngestVendor } from '#shared/db/schema';
import { DetailType, EVENT_SOURCE, type EventDetail } from '#shared/events/catalogue';
import { claimCheckStore, type ClaimCheckStore } from '#shared/events/claim-check';
import { eventBridgePublisher, MAX_ENTRY_BYTES, type EventPublisher } from '#shared/events/publisher';
import { Conflict, Unavailable } from '#shared/errors';
import { logger } from '#shared/logger';

export interface IntakeItem {
  vendor: IngestVendor;
  /** The vendor's identity of this event: retries of one event share it, different events never do. */
  eventKey: string;
  /** The vendor's body cut down to this event (shared/vendors/ports.ts: receivedPayloadSchemas). */
  payload: unknown;
  /** Set when the caller is the user (Apple relay); vendors' events are resolved by the worker. */
  userId?: string;
}

export type IntakeStatus = 'accepted' | 'duplicate';
export interface IntakeReceipt {
  eventKey: string;
  /** accepted: published now; duplicate: an earlier delivery published it. */
  status: IntakeStatus;
}

/** A delivery of the same event is being published right now; the vendor should retry (IETF Idempotency-Key draft: 409). */
export class DeliveryInProgress extends Conflict {
  constructor() {
    super('Another delivery of this event is being processed; retry shortly', 2);
  }
}

/** The event could not be recorded (bus, cache or claim-check store failing): the vendor must retry. */
export class IntakeUnavailable extends Unavailable {
  constructor() {
    super('The event could not be recorded; retry later', 5);
  }
}

export interface IntakeOptions {
  persistence: BasePersistenceLayer;
  publisher: EventPublisher;
  claimChecks: ClaimCheckStore;
  /** How long a delivery holds its event's lock: the webhook function's timeout (then it is orphaned and retaken). */
  inProgressTtlMs: number;
  /** How long a duplicate waits for a concurrent delivery of its event to finish before answering 409. */
  waitForConcurrentMs?: number;
  /** Items published at once (one PutEvents call each). */
  concurrency?: number;
  /** Payloads whose event would exceed this many bytes go by claim check (default: EventBridge's limit less 1 KiB). */
  claimCheckAboveBytes?: number;
}

export interface Intake {
  /** Publishes each item once; receipts in item order. Throws IntakeUnavailable or DeliveryInProgress. */
  receive(items: readonly IntakeItem[]): Promise<IntakeReceipt[]>;
}

/** Long enough to cover a vendor's retries of one delivery; short enough to keep the cache small. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Stable across function names and deploys: a renamed function keeps its memory of events. */
const KEY_PREFIX = 'rc:webhook';
const SIZE_MARGIN_BYTES = 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export function claimCheckKey(item: Pick<IntakeItem, 'vendor' | 'eventKey'>): string {
  // Derived from the event: a retry after a failed publish overwrites its own object instead of orphaning one.
  return `activity-received/${item.vendor}/${createHash('sha256').update(item.eventKey).digest('hex')}.json`;
}

export function createIntake(options: IntakeOptions): Intake {
  const threshold = options.claimCheckAboveBytes ?? MAX_ENTRY_BYTES - SIZE_MARGIN_BYTES;
  const waitMs = options.waitForConcurrentMs ?? 1000;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventKey',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    hashFunction: 'sha256',
    // Completed events are remembered in the container too: a burst of retries costs one cache round trip.
    useLocalCache: true,
    maxLocalCacheSize: 2000,
    responseHook: () => ({ status: 'duplicate' }),
  });
  // The lock a delivery takes lasts as long as the function may run; without an expiry a crashed delivery
  // would block its event until the record's TTL, and the cache layer would treat every lock as orphaned.
  config.registerLambdaContext({ getRemainingTimeInMillis: () => options.inProgressTtlMs } as Context);

  const toDetail = async (item: IntakeItem): Promise<EventDetail<typeof DetailType.ActivityReceived>> => {
    const inline = { vendor: item.vendor, eventKey: item.eventKey, payload: item.payload, ...(item.userId && { userId: item.userId }) };
    const bytes = Buffer.byteLength(JSON.stringify(inline)) + Buffer.byteLength(DetailType.ActivityReceived) + Buffer.byteLength(EVENT_SOURCE);
    if (bytes <= threshold) return inline;
    const claimCheck = await options.claimChecks.put(claimCheckKey(item), JSON.stringify(item.payload));
    return { vendor: item.vendor, eventKey: item.eventKey, claimCheck, ...(item.userId && { userId: item.userId }) };
  };

  const publishOnce = makeIdempotent(
    async (item: IntakeItem): Promise<{ status: IntakeStatus }> => {
      await options.publisher.publish([{ detailType: DetailType.ActivityReceived, detail: await toDetail(item) }]);
      return { status: 'accepted' };
    },
    { persistenceStore: options.persistence, config, keyPrefix: KEY_PREFIX },
  );

  const receiveOne = async (item: IntakeItem): Promise<IntakeReceipt> => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const result = (await publishOnce(item)) as { status: IntakeStatus };
        return { eventKey: item.eventKey, status: result.status };
      } catch (error) {
        if ((error as Error)?.name !== 'IdempotencyAlreadyInProgressError') throw error;
        // Wait for the other delivery: it completes (we answer "duplicate") or fails and frees the event.
        if (Date.now() - started >= waitMs) throw new DeliveryInProgress();
        await sleep(Math.min(25 * 2 ** attempt, 200));
      }
    }
  };

  return {
    async receive(items) {
      const settled = await mapLimit(items, options.concurrency ?? 10, receiveOne);
      const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      if (failures.length === 0) return settled.map((r) => (r as PromiseFulfilledResult<IntakeReceipt>).value);
      // Items that did publish stay published and are answered "duplicate" on the retry.
      const unexpected = failures.find((e) => !(e instanceof DeliveryInProgress) && !isUnavailable(e));
      if (unexpected) throw unexpected;
      const unavailable = failures.filter(isUnavailable);
      if (unavailable.length > 0) {
        logger.error('webhook events not recorded; answering 503 so the vendor retries', {
          failed: unavailable.length,
          of: items.length,
          errorNames: [...new Set(unavailable.map(errorLabel))].slice(0, 5),
        });
        throw new IntakeUnavailable();
      }
      throw new DeliveryInProgress();
    },
  };
}

// Expected outages: the bus refused (PublishError after its retries), the cache is unreachable
// (Powertools wraps it in IdempotencyPersistenceLayerError), S3 failed (SDK errors carry $metadata).
const OUTAGES = new Set(['PublishError', 'IdempotencyPersistenceLayerError', 'IdempotencyUnknownError']);
function isUnavailable(error: Error): boolean {
  return OUTAGES.has(error?.name) || (error as { $metadata?: unknown })?.$metadata !== undefined;
}
function errorLabel(error: Error): string {
  const cause = (error as { cause?: Error }).cause;
  return cause?.name ? `${error.name}(${cause.name})` : error.name;
}

/** The Powertools cache persistence layer on our cache client (Redis/Valkey, or in memory). */
export function cachePersistence(client: CacheClient = cacheClient()): CachePersistenceLayer {
  return new CachePersistenceLayer({ client });
}

// One intake per lock time: under `npm start` every webhook function shares this process, each with its own timeout.
const shared = new Map<number, Intake>();

/** The process-wide intake for a function whose deliveries hold their lock `inProgressTtlMs`: EventBridge, the configured cache and claim-check store. */
export function intake(inProgressTtlMs: number): Intake {
  let found = shared.get(inProgressTtlMs);
  if (!found) {
    found = createIntake({ persistence: cachePersistence(), publisher: eventBridgePublisher, claimChecks: claimCheckStore(), inProgressTtlMs });
    shared.set(inProgressTtlMs, found);
  }
  return found;
}

/** Tests: the next `intake()` is rebuilt from the current cache client and store. */
export function resetIntake(): void {
  shared.clear();
}
