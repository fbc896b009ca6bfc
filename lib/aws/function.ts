// The one way a RunningCoach Lambda is built. Runtime, architecture, bundling and logging are fixed
// here so that a handler behaves the same whichever trigger calls it; only what the topology states
// (timeout, memory, entry) and what the caller passes (environment, network) vary.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionSpec, Trigger } from '#shared/topology-types';
import { BUNDLING } from './bundling';
import { acknowledge, IAM4 } from './nag';

/** The repository root: topology entries and the lock file are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tag carrying the topology name, so operators and tests can tell our handlers from CDK's helpers. */
export const FUNCTION_NAME_TAG = 'running-coach:function';

/** Filled in only where the caller has not set the key. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: 'running-coach',
  NODE_ENV: 'production',
  LOG_LEVEL: 'INFO',
};

export interface VpcPlacement {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroups: ec2.ISecurityGroup[];
}

export interface RunningCoachFunctionProps {
  /** The function's key in lib/topology.ts. */
  name: string;
  spec: FunctionSpec;
  environment?: Readonly<Record<string, string>>;
  /** Absent: the function stays outside the VPC (no ENI, no NAT hop, faster cold start). */
  placement?: VpcPlacement;
  /** Encrypts the function's log group. */
  logsKey?: kms.IKey;
  /** Caps concurrent executions (lib/aws/concurrency.ts says why and how much). */
  reservedConcurrentExecutions?: number;
  /** The execution role, shared by the functions with the same access list (lib/aws/functions.ts). */
  role?: iam.IRole;
  /** The AWS SDK clients the bundle imports from /opt (lib/aws/sdk-layer.ts). */
  sdkLayer?: ILayerVersion;
}

export class RunningCoachFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RunningCoachFunctionProps) {
    const { spec, placement } = props;
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      environment: { ...DEFAULT_ENVIRONMENT, ...props.environment },
      // X-Ray segments per invocation (the API stage traces too), so a slow request shows its hop.
      tracing: Tracing.ACTIVE,
      ...(props.role && { role: props.role }),
      ...(props.sdkLayer && { layers: [props.sdkLayer] }),
      ...(props.reservedConcurrentExecutions !== undefined && { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      // An explicit group instead of Lambda's implicit one: retention is ours to set, and no
      // LogRetention custom resource is needed to set it.
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
        ...(props.logsKey && { encryptionKey: props.logsKey }),
      }),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: BUNDLING,
      ...(placement && {
        vpc: placement.vpc,
        vpcSubnets: placement.subnets,
        securityGroups: placement.securityGroups,
      }),
    });
    Tags.of(this).add(FUNCTION_NAME_TAG, props.name);
    acknowledgeFunctionFindings(this, props);
  }
}

/** Why a function is invoked the way it is, and so why it has no dead-letter queue of its own. */
const NO_ASYNC_DLQ: Record<Trigger['kind'], string> = {
  http: 'Invoked synchronously by API Gateway: a failure is the caller’s 5xx, there is no async event to park',
  authorizer: 'Invoked synchronously by API Gateway as the authorizer: a failure is a 401/500 to the caller',
  queue: 'Invoked by an SQS event source mapping: failed messages go to the queue’s own dead-letter queue (redrive policy)',
  schedule: 'Async failures go to the schedule’s dead-letter queue as an on-failure destination (lib/aws/schedules.ts), which this rule does not read',
  deploy: 'Invoked synchronously (RequestResponse) by the CDK trigger: a failure fails the deployment',
};

const NO_RESERVED_CONCURRENCY: Partial<Record<Trigger['kind'], string>> = {
  http: 'Capped upstream by the stage and per-route throttles and the WAF rate rule; database connections are bounded by the RDS Proxy, not by reserving account concurrency per route (lib/aws/concurrency.ts)',
  authorizer: 'Runs once per uncached token, capped by the API throttles like the routes it guards',
  queue: 'Capped by the SQS event source maximumConcurrency, sized against the proxy (lib/aws/concurrency.ts)',
};

function acknowledgeFunctionFindings(fn: RunningCoachFunction, props: RunningCoachFunctionProps): void {
  const kind = props.spec.trigger.kind;
  acknowledge(fn, {
    [IAM4.lambdaBasic]: 'The AWS-managed basic execution policy only lets the function write its own CloudWatch logs',
    'AwsSolutions-IAM5[Resource::*]': 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions',
    'HIPAA.Security-IAMNoInlinePolicy':
      'The inline policy holds the grants of one access list in lib/topology.ts, for the functions that share it; a managed policy could be attached to other roles',
    'HIPAA.Security-LambdaDLQ': NO_ASYNC_DLQ[kind],
    'Serverless-LambdaDLQ': NO_ASYNC_DLQ[kind],
    ...(props.placement
      ? { [IAM4.lambdaVpc]: 'The AWS-managed VPC execution policy: ENI management for a function in the VPC, which supports no resource-level permissions' }
      : {
          'HIPAA.Security-LambdaInsideVPC':
            'Reaches no data store (no database or cache access): outside the VPC it needs no ENI and no NAT hop; it reads Secrets Manager over TLS with its role',
        }),
    ...(props.reservedConcurrentExecutions === undefined &&
      NO_RESERVED_CONCURRENCY[kind] && { 'HIPAA.Security-LambdaConcurrency': NO_RESERVED_CONCURRENCY[kind] }),
  });
}
