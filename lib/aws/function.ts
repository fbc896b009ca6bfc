// The one way a RunningCoach Lambda is built. Runtime, architecture, bundling and logging are fixed
// here so that a handler behaves the same whichever trigger calls it; only what the topology states
// (timeout, memory, entry) and what the caller passes (environment, network) vary.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../../shared/topology-types';

/** The repository root: topology entries and the lock file are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tag carrying the topology name, so operators and tests can tell our handlers from CDK's helpers. */
export const FUNCTION_NAME_TAG = 'running-coach:function';

/** Filled in only where the caller has not set the key. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'running-coach',
  NODE_ENV: 'production',
  LOG_LEVEL: 'INFO',
};

/** ESM output still meets CommonJS dependencies that call `require` (pg, some SDK internals). */
const REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

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
}

export class RunningCoachFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RunningCoachFunctionProps) {
    const { spec, placement } = props;
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      environment: { ...DEFAULT_ENVIRONMENT, ...props.environment },
      // An explicit group instead of Lambda's implicit one: retention is ours to set, and no
      // LogRetention custom resource is needed to set it.
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: true,
        keepNames: true,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        // Pin the SDK version we test against instead of whatever the runtime ships.
        bundleAwsSDK: true,
      },
      ...(placement && {
        vpc: placement.vpc,
        vpcSubnets: placement.subnets,
        securityGroups: placement.securityGroups,
      }),
    });
    Tags.of(this).add(FUNCTION_NAME_TAG, props.name);
  }
}
