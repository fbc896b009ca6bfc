// SQS workers fed by EventBridge rules. Each record is an EventBridge envelope; its detail is checked
// against the catalogue. A record that throws is reported in batchItemFailures so only it is retried
// (and, after maxReceiveCount, dead-lettered); the rest of the batch is done.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { FunctionSpec, QueueTrigger } from '#shared/topology-types';
import { errorFields, logger, withLambdaContext } from '#shared/logger';
import { EVENT_SOURCE, eventDetailSchemas, type DetailType, type EventDetail } from './catalogue';

const Envelope = z.object({
  id: z.string(),
  'detail-type': z.string(),
  source: z.literal(EVENT_SOURCE),
  time: z.string(),
  detail: z.unknown(),
});

export type ReceivedEvent<T extends DetailType> = {
  [K in T]: { id: string; time: string; detailType: K; detail: EventDetail<K>; receiveCount: number };
}[T];

export function parseRecord<T extends DetailType>(spec: FunctionSpec<QueueTrigger>, record: SQSRecord): ReceivedEvent<T> {
  const envelope = Envelope.parse(JSON.parse(record.body));
  const detailType = envelope['detail-type'] as T;
  if (!spec.trigger.detailTypes.includes(detailType)) throw new Error(`unexpected detail-type ${detailType}`);
  const detail = eventDetailSchemas[detailType].parse(envelope.detail);
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  return { id: envelope.id, time: envelope.time, detailType, detail, receiveCount } as ReceivedEvent<T>;
}

export function queueWorker<T extends DetailType>(
  spec: FunctionSpec<QueueTrigger>,
  handle: (event: ReceivedEvent<T>, context: Context) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord, context: Context) => {
    try {
      await handle(parseRecord<T>(spec, record), context);
    } catch (error) {
      const e = error as Error;
      logger.warn('message failed', { messageId: record.messageId, worker: spec.entry, ...errorFields(e) });
      throw error;
    }
  };
  // A batch in which every record failed still reports them one by one rather than throwing.
  return withLambdaContext((event, context) =>
    processPartialResponse(event, (r: SQSRecord) => recordHandler(r, context), processor, { context, throwOnFullBatchFailure: false }),
  );
}
