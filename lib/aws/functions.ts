// Every function of the topology, built once and wired to what its `access` list allows. The
// triggers (API, workers, schedules, deploy) look them up here by topology name.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#shared/topology-types';
import { AccessWiring, type SharedResources } from './access';
import { SINGLE_RUN_CONCURRENCY } from './concurrency';
import { RunningCoachFunction } from './function';
import { AwsSdkLayer } from './sdk-layer';

export interface FunctionsProps {
  topology: Readonly<Record<string, FunctionSpec>>;
  resources: SharedResources;
  logsKey?: kms.IKey;
}

/** Queue workers are capped at their event source (maximumConcurrency), the API by its throttles. */
function reservedConcurrency(spec: FunctionSpec): number | undefined {
  return spec.trigger.kind === 'schedule' || spec.trigger.kind === 'deploy' ? SINGLE_RUN_CONCURRENCY : undefined;
}

/**
 * One execution role per access list, shared by the functions that have it: a role and its policy are two
 * of CloudFormation's 500 resources a stack may hold, and 45 functions with a role each spent 90 of them. The
 * grants are the access list's, so sharing gives no function more than its entry in lib/topology.ts says, but
 * for the schedules' dead-letter queues (a failed run's record, send only). The stack holds about 490 resources
 * now: the next routes need nested stacks (or fewer per route).
 */
const accessKey = (name: string, spec: FunctionSpec) =>
  // A queue worker's role also gets to consume its own queue: that grant is its alone.
  `${[...new Set(spec.access)].sort().join('+') || 'nothing'}${spec.trigger.kind === 'queue' ? `+queue-${name}` : ''}`;

export class Functions extends Construct {
  private readonly byName = new Map<string, RunningCoachFunction>();
  private readonly roles = new Map<string, iam.Role>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const access = new AccessWiring(props.resources);
    // Every function gets it: a bundle imports the clients by path, and one that needs none never opens it.
    const sdkLayer = new AwsSdkLayer(this, 'AwsSdk');
    for (const [name, spec] of Object.entries(props.topology)) {
      const wiring = access.for(spec.access);
      const key = accessKey(name, spec);
      const shared = this.roles.get(key);
      const role = shared ?? this.roleFor(key, wiring.placement !== undefined);
      const fn = new RunningCoachFunction(this, name, {
        name,
        spec,
        role,
        environment: wiring.environment,
        placement: wiring.placement,
        logsKey: props.logsKey,
        reservedConcurrentExecutions: reservedConcurrency(spec),
        sdkLayer,
      });
      // The first function of an access list grants its role what the list allows; the rest share it.
      if (!shared) wiring.grant(fn);
      this.byName.set(name, fn);
    }
  }

  private roleFor(key: string, inVpc: boolean): iam.Role {
    const managed = (name: string) => iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${name}`);
    const role = new iam.Role(this, `Role-${key.replace(/\+/g, '-')}`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Functions whose access list is: ${key}`,
      managedPolicies: [managed('AWSLambdaBasicExecutionRole'), ...(inVpc ? [managed('AWSLambdaVPCAccessExecutionRole')] : [])],
    });
    this.roles.set(key, role);
    return role;
  }

  get(name: string): RunningCoachFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no function named '${name}' in the topology`);
    return fn;
  }

  all(): RunningCoachFunction[] {
    return [...this.byName.values()];
  }

  entries(): Array<{ name: string; fn: RunningCoachFunction }> {
    return [...this.byName].map(([name, fn]) => ({ name, fn }));
  }
}
