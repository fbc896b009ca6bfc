// Customer-managed KMS keys for everything at rest, one per kind of data so a key's policy names only
// the services that need it, each with yearly automatic rotation. Health data lives under `data`.
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export class Keys extends Construct {
  /** Aurora storage and snapshots, Performance Insights, the claim-check bucket. */
  public readonly data: kms.Key;
  /** Secrets Manager secrets (database owner, JWT keys, vendor credentials and token key). */
  public readonly secrets: kms.Key;
  /** SQS queues and dead-letter queues, the alarm topic: EventBridge and CloudWatch write into them. */
  public readonly messaging: kms.Key;
  /** CloudWatch log groups (functions, API access logs, VPC flow logs). */
  public readonly logs: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = (name: string, description: string) =>
      new kms.Key(this, name, {
        description: `RunningCoach: ${description}`,
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        // A deleted key makes every snapshot and backup under it unreadable: keep it when the stack goes.
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
    this.data = key('DataKey', 'Aurora storage, snapshots and claim-check objects (health data)');
    this.secrets = key('SecretsKey', 'Secrets Manager secrets');
    this.messaging = key('MessagingKey', 'SQS queues and the alarm topic');
    this.logs = key('LogsKey', 'CloudWatch log groups');

    // EventBridge delivers to the workers' queues (and their dead-letter queues); CloudWatch alarms
    // publish to the topic. Neither can use a key that does not name it.
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.messaging.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }
    // CloudWatch Logs encrypts with the key of the group, for groups of this account and region only.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
  }
}
