// An in-process SQS queue with Lambda's event-source-mapping semantics: batches of up to batchSize,
// a visibility timeout after each delivery, redelivery of failed records only (batchItemFailures),
// the whole batch failed when the handler throws or answers malformed, and a DLQ after maxReceiveCount.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface QueueMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  visibleAt: number;
}

export interface QueueOptions {
  name: string;
  batchSize: number;
  maxReceiveCount: number;
  visibilityTimeoutMs: number;
  maxBatchingWindowMs: number;
  invoke: (event: SQSEvent) => Promise<unknown>;
  log: (line: string) => void;
  /** Scales delays a handler asks for (ChangeMessageVisibility), as visibilityTimeoutMs already is. Default 1. */
  timeScale?: number;
}

export class LocalQueue {
  readonly messages: QueueMessage[] = [];
  readonly deadLetters: QueueMessage[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(readonly options: QueueOptions) {}

  send(body: string, delayMs = 0): string {
    const now = Date.now();
    const messageId = randomUUID();
    this.messages.push({ messageId, body, receiveCount: 0, sentAt: now, visibleAt: now + delayMs });
    this.schedule(this.options.maxBatchingWindowMs);
    return messageId;
  }

  /**
   * SQS ChangeMessageVisibility: the message becomes visible `timeoutSeconds` after now. Only the receipt
   * of its latest delivery is valid (an older one, or a deleted message, is refused as by SQS).
   */
  changeVisibility(receiptHandle: string, timeoutSeconds: number): boolean {
    const [messageId, receive] = receiptHandle.split('#');
    const m = this.messages.find((x) => x.messageId === messageId);
    if (!m || String(m.receiveCount) !== receive) return false;
    m.visibleAt = Date.now() + timeoutSeconds * 1000 * (this.options.timeScale ?? 1);
    // A message made visible sooner than the queue would look again needs an earlier look.
    if (this.inFlight === 0) this.wakeLater();
    return true;
  }

  /** Messages waiting or being processed (not dead-lettered). */
  get depth(): number {
    return this.messages.length;
  }

  /** Resolves once the queue holds no message: all deleted or dead-lettered. */
  async drained(): Promise<void> {
    if (this.messages.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + Math.max(0, delayMs);
    // A look already planned for sooner covers this one; a later one (a failed message's visibility
    // timeout) must not hold back a message that is visible now, or one poison message stalls the queue.
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.poll();
      },
      Math.max(0, delayMs),
    );
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.inFlight > 0) return;
    const now = Date.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.options.batchSize);
    if (batch.length === 0) {
      this.wakeLater();
      return;
    }
    for (const m of batch) {
      m.receiveCount += 1;
      m.visibleAt = now + this.options.visibilityTimeoutMs;
    }
    this.inFlight += 1;
    let failedIds: Set<string>;
    try {
      const result = await this.options.invoke({ Records: batch.map((m) => this.toRecord(m)) });
      failedIds = failuresOf(result, batch);
    } catch {
      failedIds = new Set(batch.map((m) => m.messageId));
    }
    this.inFlight -= 1;
    const ok = batch.length - failedIds.size;
    for (const m of batch) {
      if (!failedIds.has(m.messageId)) this.remove(m);
      else if (m.receiveCount >= this.options.maxReceiveCount) {
        this.remove(m);
        this.deadLetters.push(m);
        this.options.log(`queue ${this.options.name}: message ${m.messageId} moved to the DLQ after ${m.receiveCount} receives`);
      }
    }
    this.options.log(`queue ${this.options.name}: delivered ${batch.length}, ok ${ok}, failed ${failedIds.size}`);
    this.wakeLater();
  }

  private remove(m: QueueMessage): void {
    const i = this.messages.indexOf(m);
    if (i >= 0) this.messages.splice(i, 1);
  }

  private wakeLater(): void {
    if (this.messages.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    const next = Math.min(...this.messages.map((m) => m.visibleAt));
    this.schedule(next - Date.now());
  }

  private toRecord(m: QueueMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.name}`,
      awsRegion: 'local',
    };
  }
}

/**
 * Lambda's rules: no response, `{}`, or a null/empty batchItemFailures is success; a malformed list
 * (not an array, an empty/null itemIdentifier, an id not in the batch) fails the whole batch.
 */
function failuresOf(result: unknown, batch: QueueMessage[]): Set<string> {
  const all = new Set(batch.map((m) => m.messageId));
  if (result === undefined || result === null) return new Set();
  if (typeof result !== 'object') return all;
  const failures = (result as SQSBatchResponse).batchItemFailures as unknown;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    ids.add(id);
  }
  return ids;
}
