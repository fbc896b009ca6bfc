// A rate-limited message goes back on its queue with a delay: ChangeMessageVisibility in AWS (mocked
// here), the same call against the local runtime's endpoint and queue.
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAwsEndpoint } from '#lib/local/aws-endpoint';
import { LocalBus } from '#lib/local/bus';
import { LocalQueue } from '#lib/local/queue';
import { MAX_VISIBILITY_TIMEOUT_SECONDS, queueUrlOf, retryLater } from '#shared/events/retry-later';

const record = (over: Partial<SQSRecord> = {}) =>
  ({ receiptHandle: 'handle-1', eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:NormalizeActivityQueue', ...over }) as SQSRecord;

describe('retryLater in AWS', () => {
  let sqs: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sqs = mockClient(SQSClient);
  });
  afterAll(() => sqs.restore());
  beforeEach(() => sqs.reset());
  afterEach(() => {
    delete process.env.QUEUE_URL;
  });

  it("stretches the message's visibility on its own queue", async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    expect(await retryLater(record(), 754.2)).toBe(755);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/NormalizeActivityQueue',
      ReceiptHandle: 'handle-1',
      VisibilityTimeout: 755,
    });
  });

  it('clamps to what SQS allows and prefers QUEUE_URL when the function sets it', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    process.env.QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/configured';
    expect(await retryLater(record(), 86_400)).toBe(MAX_VISIBILITY_TIMEOUT_SECONDS);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { QueueUrl: process.env.QUEUE_URL, VisibilityTimeout: 43_200 });
  });

  it('refuses a record that did not come from SQS', () => {
    expect(() => queueUrlOf(record({ eventSourceARN: 'arn:aws:kinesis:eu-west-1:1:stream/x' }))).toThrow();
  });
});

describe('retryLater against the local runtime', () => {
  it('keeps the message out of sight for the delay, then redelivers it without dead-lettering', async () => {
    const deliveries: number[] = [];
    let client: SQSClient | undefined;
    const queue: LocalQueue = new LocalQueue({
      name: 'normalizeActivity',
      batchSize: 10,
      maxReceiveCount: 2,
      visibilityTimeoutMs: 10,
      maxBatchingWindowMs: 0,
      timeScale: 0.001,
      log: () => undefined,
      invoke: async (event: SQSEvent) => {
        deliveries.push(Date.now());
        const r = event.Records[0]!;
        // First delivery: rate limited for 200 s (0.2 s at this time scale); then it succeeds.
        if (deliveries.length === 1) {
          await retryLater(r, 200, client);
          return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
        }
        return { batchItemFailures: [] };
      },
    });
    const queues = new Map([['normalizeActivity', queue]]);
    const endpoint = await startAwsEndpoint(new LocalBus('bus', [], () => undefined), queues);
    client = new SQSClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      queue.send('{}');
      await queue.drained();
      expect(deliveries).toHaveLength(2);
      expect(deliveries[1]! - deliveries[0]!).toBeGreaterThanOrEqual(190);
      expect(queue.deadLetters).toHaveLength(0);
    } finally {
      queue.stop();
      await endpoint.close();
    }
  });

  it('refuses a stale receipt, as SQS does', async () => {
    const queue = new LocalQueue({
      name: 'q',
      batchSize: 1,
      maxReceiveCount: 3,
      visibilityTimeoutMs: 10_000,
      maxBatchingWindowMs: 0,
      log: () => undefined,
      invoke: async () => ({}),
    });
    queue.stop();
    const id = queue.send('{}');
    expect(queue.changeVisibility(`${id}#0`, 5)).toBe(true);
    expect(queue.changeVisibility(`${id}#3`, 5)).toBe(false);
    expect(queue.changeVisibility('nope#1', 5)).toBe(false);
  });
});
