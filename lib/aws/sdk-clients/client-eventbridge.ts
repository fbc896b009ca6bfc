// What the functions use of @aws-sdk/client-eventbridge, the layer's entry (lib/aws/sdk-layer.ts). A name a
// function imports that is missing here fails test/cdk/bundles.test.ts, not a Lambda at run time.
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
