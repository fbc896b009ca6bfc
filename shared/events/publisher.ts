// Publishes catalogue events to the EventBridge bus. One client per container, created on first use.
// A failed entry is retried; if it still fails the caller gets an error (and answers 5xx), never a
// silent loss.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { config } from '#shared/config';
import { EVENT_SOURCE, eventDetailSchemas, type DetailType, type OutgoingEvent } from './catalogue';

/** EventBridge's limits: 10 entries per call, 256 KB per entry. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_ENTRY_BYTES = 256 * 1024;
const RETRIES = 3;

export class PublishError extends Error {
  constructor(
    readonly failed: number,
    reason: string,
  ) {
    super(`${failed} event(s) could not be published: ${reason}`);
    this.name = 'PublishError';
  }
}

export interface EventPublisher {
  publish(events: ReadonlyArray<OutgoingEvent>): Promise<void>;
}

let client: EventBridgeClient | undefined;
function eventBridge(): EventBridgeClient {
  return (client ??= new EventBridgeClient({}));
}

export function toEntry(event: OutgoingEvent, busName: string): PutEventsRequestEntry {
  // Validating here catches a publisher bug before a consumer meets the event.
  const detail = eventDetailSchemas[event.detailType as DetailType].parse(event.detail);
  const entry = { Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(detail), EventBusName: busName };
  const size = Buffer.byteLength(entry.Detail) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Source);
  if (size > MAX_ENTRY_BYTES) throw new PublishError(1, `${event.detailType} is ${size} bytes; large payloads travel by claim check`);
  return entry;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function putWithRetries(entries: PutEventsRequestEntry[]): Promise<void> {
  let pending = entries;
  let lastReason = '';
  for (let attempt = 0; attempt <= RETRIES && pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(50 * 2 ** (attempt - 1));
    try {
      const out = await eventBridge().send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      const results = out.Entries ?? [];
      const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined || results[i]?.EventId === undefined);
      lastReason = results.find((r) => r.ErrorCode)?.ErrorCode ?? 'unknown';
      pending = failed;
    } catch (error) {
      lastReason = (error as Error).name;
    }
  }
  if (pending.length > 0) throw new PublishError(pending.length, lastReason);
}

export const eventBridgePublisher: EventPublisher = {
  async publish(events) {
    const busName = config().EVENT_BUS_NAME;
    const entries = events.map((e) => toEntry(e, busName));
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
      await putWithRetries(entries.slice(i, i + MAX_ENTRIES_PER_CALL));
    }
  },
};
