// cdk-nag: the AWS Solutions, HIPAA Security and Serverless packs run at every synth (bin/app.ts), and
// an unacknowledged finding fails it. Acknowledgements are made next to the resource they excuse, one
// rule (one finding for IAM4/IAM5) at a time, with the reason; `acknowledge()` is the only way to make one.
import { Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';

export function addNagPacks(app: Stage): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new ServerlessChecks(app));
}

/**
 * Acknowledges each rule id (e.g. `AwsSolutions-IAM5[Action::kms:GenerateDataKey*]`) on `scope` and its children;
 * for a function, on its execution role too (shared by an access list, so not one of the function's children).
 */
export function acknowledge(scope: IConstruct, rules: Readonly<Record<string, string>>): void {
  const scopes: IConstruct[] = [scope];
  if (scope instanceof LambdaFunction && scope.role instanceof Construct && !scope.role.node.path.startsWith(`${scope.node.path}/`)) scopes.push(scope.role);
  for (const [id, reason] of Object.entries(rules)) for (const s of scopes) Validations.of(s).acknowledge({ id, reason });
}

const MANAGED = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
export const IAM4 = {
  lambdaBasic: MANAGED('AWSLambdaBasicExecutionRole'),
  lambdaVpc: MANAGED('AWSLambdaVPCAccessExecutionRole'),
  rdsMonitoring: MANAGED('AmazonRDSEnhancedMonitoringRole'),
  apiGatewayLogs: MANAGED('AmazonAPIGatewayPushToCloudWatchLogs'),
} as const;

/** What CDK's SQS grants add for a KMS-encrypted queue: scoped to the one key, but wildcard actions. */
export const KMS_QUEUE_GRANT = {
  'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
    'Sending to a KMS-encrypted queue needs a data key (GenerateDataKey/GenerateDataKeyWithoutPlaintext); the statement names only the messaging key',
  'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': 'Added by the SQS send grant of CDK for KMS queues; the statement names only the messaging key',
} as const;
