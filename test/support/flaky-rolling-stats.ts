// Test-only entry for the updateRollingStats queue (test/resilience/worker-mid-batch.test.ts): the real
// worker, run record by record inside the same partial-batch machinery (queueWorker), throwing for the
// users a test names. The switches live on globalThis: the local runtime imports this module itself.
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as real } from '#functions/workers/update-rolling-stats';
import { updateRollingStats as spec } from '#lib/topology';
import { queueWorker } from '#shared/events/consumer';
import type { DetailType } from '#shared/events/catalogue';

export interface WorkerFaults {
  /** Failures still to throw for a user's messages (Infinity: every delivery). */
  failuresLeft: Map<string, number>;
  /** Deliveries per message id (with the message's user), and the users of each batch, as the worker saw them. */
  deliveries: Map<string, { userId: string; count: number }>;
  batches: string[][];
  injected: number;
}

const globals = globalThis as { __workerFaults?: WorkerFaults };
export const workerFaults = (): WorkerFaults => (globals.__workerFaults ??= { failuresLeft: new Map(), deliveries: new Map(), batches: [], injected: 0 });

const inner = queueWorker<typeof DetailType.ActivityRecorded>(spec, async (event, context) => {
  const faults = workerFaults();
  const left = faults.failuresLeft.get(event.detail.userId) ?? 0;
  if (left > 0) {
    faults.failuresLeft.set(event.detail.userId, left - 1);
    faults.injected += 1;
    throw new Error('injected fault');
  }
  const record = records.get(event.id);
  if (!record) throw new Error(`no record for event ${event.id}`);
  const result = await real({ Records: [record] }, context);
  if (result.batchItemFailures.length > 0) throw new Error('the real worker failed this record');
});

/** The records of the batches in flight, by their envelope's id (queueWorker hands the handler the parsed event). */
const records = new Map<string, SQSRecord>();

export async function handler(event: SQSEvent, context: Context) {
  const faults = workerFaults();
  const envelopes = event.Records.map((r) => JSON.parse(r.body) as { id: string; detail: { userId: string } });
  faults.batches.push(envelopes.map((e) => e.detail.userId));
  event.Records.forEach((r, i) => {
    const seen = faults.deliveries.get(r.messageId);
    faults.deliveries.set(r.messageId, { userId: envelopes[i]!.detail.userId, count: (seen?.count ?? 0) + 1 });
    records.set(envelopes[i]!.id, r);
  });
  try {
    return await inner(event, context);
  } finally {
    for (const e of envelopes) records.delete(e.id);
  }
}
