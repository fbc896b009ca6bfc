// What the functions use of @aws-sdk/client-sqs (retries, requeues), the layer's entry (lib/aws/sdk-layer.ts).
// A name a function imports that is missing here fails test/cdk/bundles.test.ts.
export { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
