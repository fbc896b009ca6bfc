// SQS workers that handle a batch as a whole (set-based database work) yet still fail record by record.
// Each record is an EventBridge envelope checked against the catalogue (consumer.ts parseRecord); the
// batch handler returns the message ids that failed, and only those are reported in batchItemFailures,
// so only they are retried (and dead-lettered after maxReceiveCount). A handler that throws fails every
// record it was given, each by id, as Lambda would a thrown batch, but without failing the unparseable ones twice.
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionSpec, QueueTrigger } from '#shared/topology-types';
import { errorFields, logger, withLambdaContext } from '#shared/logger';
import type { DetailType } from './catalogue';
import { parseRecord, type ReceivedEvent } from './consumer';

export interface BatchMessage<T extends DetailType> {
  record: SQSRecord;
  event: ReceivedEvent<T>;
}

export type BatchHandler<T extends DetailType> = (messages: BatchMessage<T>[], context: Context) => Promise<ReadonlySet<string>>;

export function batchWorker<T extends DetailType>(
  spec: FunctionSpec<QueueTrigger>,
  handle: BatchHandler<T>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return withLambdaContext(async (event: SQSEvent, context: Context) => {
    const failed = new Set<string>();
    const messages: BatchMessage<T>[] = [];
    for (const record of event.Records) {
      try {
        messages.push({ record, event: parseRecord<T>(spec, record) });
      } catch (error) {
        failed.add(record.messageId);
        logger.warn('message failed', { messageId: record.messageId, worker: spec.entry, errorName: (error as Error).name, errorMessage: 'not a valid event' });
      }
    }
    if (messages.length > 0) {
      try {
        for (const id of await handle(messages, context)) failed.add(id);
      } catch (error) {
        const e = error as Error;
        logger.error('batch failed', { worker: spec.entry, size: messages.length, ...errorFields(e) });
        for (const m of messages) failed.add(m.record.messageId);
      }
    }
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
