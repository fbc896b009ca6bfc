// Every function of the topology, built once and wired to what its `access` list allows. The
// triggers (API, workers, schedules, deploy) look them up here by topology name.
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../shared/topology-types';
import { AccessWiring, type SharedResources } from './access';
import { SINGLE_RUN_CONCURRENCY } from './concurrency';
import { RunningCoachFunction } from './function';

export interface FunctionsProps {
  topology: Readonly<Record<string, FunctionSpec>>;
  resources: SharedResources;
  logsKey?: kms.IKey;
}

/** Queue workers are capped at their event source (maximumConcurrency), the API by its throttles. */
function reservedConcurrency(spec: FunctionSpec): number | undefined {
  return spec.trigger.kind === 'schedule' || spec.trigger.kind === 'deploy' ? SINGLE_RUN_CONCURRENCY : undefined;
}

export class Functions extends Construct {
  private readonly byName = new Map<string, RunningCoachFunction>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const access = new AccessWiring(props.resources);
    for (const [name, spec] of Object.entries(props.topology)) {
      const wiring = access.for(spec.access);
      const fn = new RunningCoachFunction(this, name, {
        name,
        spec,
        environment: wiring.environment,
        placement: wiring.placement,
        logsKey: props.logsKey,
        reservedConcurrentExecutions: reservedConcurrency(spec),
      });
      wiring.grant(fn);
      this.byName.set(name, fn);
    }
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
