// "Not now, later" without spending a delivery: the message is sent again to its own queue with a delay
// and the current delivery counts as done, so waiting out a vendor's rate limit (15 minutes, or until
// midnight UTC for a daily budget) never walks a message towards the dead-letter queue. SQS delays a
// message by at most 15 minutes; a longer wait is taken in several hops.
// Needs sqs:SendMessage on the worker's own queue. Without it (or if the send fails) the fallback is
// retry-later.ts: stretch the visibility of this delivery and report it failed, which does count a receive.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger';
import { queueUrlOf, retryLater, sqs } from './retry-later';

export const MAX_DELAY_SECONDS = 15 * 60;

export type RequeueOutcome = 'requeued' | 'visibility-extended';

/**
 * 'requeued': a delayed copy is on the queue; report this record as processed.
 * 'visibility-extended': this delivery comes back later; report this record as failed.
 */
export async function requeueLater(record: SQSRecord, delaySeconds: number, sqsClient: SQSClient = sqs()): Promise<RequeueOutcome> {
  const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  try {
    await sqsClient.send(new SendMessageCommand({ QueueUrl: queueUrlOf(record), MessageBody: record.body, DelaySeconds: delay }));
    return 'requeued';
  } catch (error) {
    logger.warn('requeue failed; waiting on this delivery instead', { messageId: record.messageId, errorName: (error as Error).name });
    await retryLater(record, delaySeconds, sqsClient);
    return 'visibility-extended';
  }
}
