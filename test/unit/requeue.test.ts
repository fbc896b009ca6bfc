// Waiting out a rate limit without walking towards the DLQ: a delayed copy of the message goes back on its
// own queue (SQS mocked); when that send is refused, the delivery itself waits by visibility timeout.
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DELAY_SECONDS, requeueLater } from '#shared/events/requeue';

const record = {
  messageId: 'm-1',
  receiptHandle: 'handle-1',
  body: '{"detail-type":"ActivityReceived"}',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:NormalizeActivityQueue',
} as SQSRecord;
const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/NormalizeActivityQueue';

describe('requeueLater', () => {
  let sqs: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sqs = mockClient(SQSClient);
  });
  afterAll(() => sqs.restore());
  beforeEach(() => sqs.reset());

  it('sends the same body back to its own queue with the delay, at most the 15 minutes SQS allows', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    expect(await requeueLater(record, 120.4)).toBe('requeued');
    expect(await requeueLater(record, 6 * 3600)).toBe('requeued');
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageCommand, 1, { QueueUrl: queueUrl, MessageBody: record.body, DelaySeconds: 121 });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageCommand, 2, { QueueUrl: queueUrl, MessageBody: record.body, DelaySeconds: MAX_DELAY_SECONDS });
    expect(sqs).not.toHaveReceivedCommand(ChangeMessageVisibilityCommand);
  });

  it('falls back to stretching the delivery when the send is refused (no sqs:SendMessage)', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    expect(await requeueLater(record, 600)).toBe('visibility-extended');
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { QueueUrl: queueUrl, ReceiptHandle: 'handle-1', VisibilityTimeout: 600 });
  });
});
