import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalQueue } from '#lib/local/queue';

afterEach(() => vi.useRealTimers());

describe('one failing message does not stall the local queue (as in SQS)', () => {
  it('a valid message sent after a failed poison one is delivered at once, not after its visibility timeout', async () => {
    vi.useFakeTimers();
    const delivered: string[] = [];
    const q = new LocalQueue({
      name: 'q',
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutMs: 360_000,
      maxBatchingWindowMs: 0,
      log: () => undefined,
      invoke: async (e: SQSEvent) => {
        delivered.push(...e.Records.map((r) => r.body));
        return { batchItemFailures: e.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    q.send('poison');
    await vi.advanceTimersByTimeAsync(1);
    expect(delivered).toEqual(['poison']);

    q.send('valid');
    await vi.advanceTimersByTimeAsync(1);
    expect(delivered).toEqual(['poison', 'valid']);
    expect(q.depth).toBe(1); // only the poison message waits for its visibility timeout

    await vi.advanceTimersByTimeAsync(360_000);
    expect(delivered).toEqual(['poison', 'valid', 'poison']);
    q.stop();
  });
});
