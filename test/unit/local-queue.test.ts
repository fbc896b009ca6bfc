import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '#lib/local/queue';

function queue(invoke: (e: SQSEvent) => Promise<unknown>, maxReceiveCount = 3, batchSize = 10) {
  return new LocalQueue({ name: 'q', batchSize, maxReceiveCount, visibilityTimeoutMs: 5, maxBatchingWindowMs: 0, invoke, log: () => undefined });
}

describe('the local queue behaves like SQS + Lambda', () => {
  it('delivers in batches of at most batchSize', async () => {
    const sizes: number[] = [];
    const q = queue(async (e) => void sizes.push(e.Records.length), 3, 2);
    for (let i = 0; i < 5; i++) q.send(String(i));
    await q.drained();
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('redelivers only the records named in batchItemFailures', async () => {
    const seen: string[] = [];
    let first = true;
    const q = queue(async (e) => {
      seen.push(...e.Records.map((r) => r.body));
      if (!first) return { batchItemFailures: [] };
      first = false;
      return { batchItemFailures: [{ itemIdentifier: e.Records[1]!.messageId }] };
    });
    q.send('a');
    q.send('b');
    q.send('c');
    await q.drained();
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
    expect(q.deadLetters).toHaveLength(0);
  });

  it('moves a poison message to the DLQ after maxReceiveCount receives, losing nothing else', async () => {
    const done: string[] = [];
    const q = queue(async (e) => ({
      batchItemFailures: e.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })),
      ...(done.push(...e.Records.filter((r) => r.body !== 'poison').map((r) => r.body)) ? {} : {}),
    }));
    q.send('ok-1');
    q.send('poison');
    q.send('ok-2');
    await q.drained();
    expect(done.sort()).toEqual(['ok-1', 'ok-2']);
    expect(q.deadLetters.map((m) => [m.body, m.receiveCount])).toEqual([['poison', 3]]);
  });

  it('fails the whole batch when the handler throws or answers a malformed batch response', async () => {
    let calls = 0;
    const q = queue(async () => {
      calls += 1;
      if (calls === 1) throw new Error('crash');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
      return {};
    });
    q.send('a');
    q.send('b');
    await q.drained();
    expect(calls).toBe(3);
    expect(q.deadLetters).toHaveLength(0);
  });

  it('gives each delivery its receive count', async () => {
    const counts: string[] = [];
    const q = queue(async (e) => {
      counts.push(e.Records[0]!.attributes.ApproximateReceiveCount);
      if (counts.length < 2) throw new Error('retry me');
    });
    q.send('a');
    await q.drained();
    expect(counts).toEqual(['1', '2']);
  });
});
