// The whole backend in one stack, composed from lib/topology.ts: shared resources first, then one
// Lambda per topology entry, then whatever triggers each of them.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { isHttp, isQueue, isSchedule, type FunctionSpec } from '../../shared/topology-types';
import { Alarms } from './alarms';
import { Api, type ApiAuthorizer, type ApiRoute } from './api';
import { Cache } from './cache';
import { ClaimChecks } from './claim-checks';
import { ResearchData } from './research-data';
import { Database } from './data';
import { DeploySteps, type DeployStep } from './deploy';
import { Events } from './events';
import { Functions } from './functions';
import { Network } from './network';
import { Schedules, type ScheduledFunction } from './schedules';
import { AppSecrets } from './secrets';
import { Workers } from './workers';

export interface RunningCoachStackProps extends StackProps {
  topology: Readonly<Record<string, FunctionSpec>>;
}

export class RunningCoachStack extends Stack {
  public readonly api: Api;
  public readonly workers: Workers;

  constructor(scope: Construct, id: string, props: RunningCoachStackProps) {
    super(scope, id, props);
    const entries = Object.entries(props.topology);

    const network = new Network(this, 'Network');
    const database = new Database(this, 'Database', { network });
    const secrets = new AppSecrets(this, 'Secrets');
    const cache = new Cache(this, 'Cache', { network });
    const claimChecks = new ClaimChecks(this, 'ClaimChecks');
    const researchData = new ResearchData(this, 'ResearchData');
    const events = new Events(this, 'Events');
    const alarms = new Alarms(this, 'Alarms');

    const functions = new Functions(this, 'Functions', {
      topology: props.topology,
      resources: { network, database, secrets, cache, claimChecks, events, researchData },
    });

    const routes: ApiRoute[] = entries.flatMap(([name, spec]) =>
      isHttp(spec) ? [{ name, trigger: spec.trigger, handler: functions.get(name), timeoutSeconds: spec.timeoutSeconds }] : [],
    );
    this.api = new Api(this, 'Api', { routes, authorizer: theAuthorizer(props.topology, functions) });

    this.workers = new Workers(this, 'Workers', {
      workers: entries.flatMap(([name, spec]) => (isQueue(spec) ? [{ name, spec, handler: functions.get(name) }] : [])),
      bus: events.bus,
      alarmTopic: alarms.topic,
    });

    const schedules: ScheduledFunction[] = entries.flatMap(([name, spec]) =>
      isSchedule(spec) ? [{ name, trigger: spec.trigger, handler: functions.get(name) }] : [],
    );
    new Schedules(this, 'Schedules', { schedules });

    const steps: DeployStep[] = entries.flatMap(([name, spec]) =>
      spec.trigger.kind === 'deploy' ? [{ name, handler: functions.get(name), timeoutSeconds: spec.timeoutSeconds }] : [],
    );
    const stepHandlers = new Set(steps.map((step) => step.handler));
    new DeploySteps(this, 'Deploy', {
      steps,
      // The network holds the security-group rule that lets the migration reach the database.
      after: [network, database],
      before: functions.all().filter((fn) => !stepHandlers.has(fn)),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API (stage included)' });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
    for (const [name, worker] of this.workers.byName) {
      new CfnOutput(this, `${name}DeadLetterQueueUrl`, {
        value: worker.deadLetterQueue.queueUrl,
        description: `Where ${name} parks messages it gave up on`,
      });
    }
  }
}

function theAuthorizer(topology: Readonly<Record<string, FunctionSpec>>, functions: Functions): ApiAuthorizer | undefined {
  const authorizers = Object.entries(topology).flatMap(([name, spec]) =>
    spec.trigger.kind === 'authorizer' ? [{ name, resultTtlSeconds: spec.trigger.resultTtlSeconds }] : [],
  );
  if (authorizers.length > 1) {
    const names = authorizers.map((a) => `'${a.name}'`).join(', ');
    throw new Error(`the topology declares ${authorizers.length} authorizers (${names}); the API takes exactly one`);
  }
  const [authorizer] = authorizers;
  return authorizer && { ...authorizer, handler: functions.get(authorizer.name) };
}
