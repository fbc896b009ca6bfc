// "Not now, later": a worker that meets a vendor's rate limit puts the message back on its queue with a
// delay instead of failing it again and again into the dead-letter queue. SQS does that by stretching
// the visibility timeout of the message's current receipt (ChangeMessageVisibility); the record is then
// reported as a batch item failure so SQS keeps it, and it reappears after the delay.
// Caveat: each redelivery still counts towards maxReceiveCount; a queue that waits out rate limits
// needs a maxReceiveCount that leaves room for them (a 15-minute window costs one receive).
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** SQS' ceiling for a visibility timeout. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 60 * 60;

let client: SQSClient | undefined;
/** The container's one SQS client (requeue.ts uses it too). */
export const sqs = () => (client ??= new SQSClient({}));

/**
 * The record's queue URL: QUEUE_URL when the function sets it; QUEUE_URL_<NAME> when the local runtime
 * set one for the queue; else derived from the record's ARN (arn:aws:sqs:<region>:<account>:<name>).
 * The SDK sends a request to its QueueUrl's host, so locally the URL must name the local endpoint.
 */
export function queueUrlOf(record: Pick<SQSRecord, 'eventSourceARN'>, env: NodeJS.ProcessEnv = process.env): string {
  if (env.QUEUE_URL) return env.QUEUE_URL;
  const [, , service, region, account, name] = record.eventSourceARN.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${record.eventSourceARN}`);
  return env[`QUEUE_URL_${name.toUpperCase()}`] ?? `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/**
 * Makes the record's message visible again only after `delaySeconds` (clamped to 0..12 h). The caller must
 * then report the record as failed (throw from the BatchProcessor record handler): a record reported as
 * processed is deleted whatever its visibility.
 */
export async function retryLater(
  record: Pick<SQSRecord, 'eventSourceARN' | 'receiptHandle'>,
  delaySeconds: number,
  client: SQSClient = sqs(),
): Promise<number> {
  const seconds = Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrlOf(record), ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
  return seconds;
}
