// The whole backend in one stack, composed from lib/topology.ts: shared resources first, then one
// Lambda per topology entry, then whatever triggers each of them.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { isHttp, isQueue, isSchedule, type FunctionSpec } from '#shared/topology-types';
import { Alarms } from './alarms';
import { Api, type ApiAuthorizer, type ApiRoute } from './api';
import { Cache } from './cache';
import { ClaimChecks } from './claim-checks';
import { ResearchData } from './research-data';
import { Database } from './data';
import { DeploySteps, type DeployStep } from './deploy';
import { Events } from './events';
import { Functions } from './functions';
import { Keys } from './keys';
import { Monitoring } from './monitoring';
import { Network } from './network';
import { Schedules, type ScheduledFunction } from './schedules';
import { AppSecrets } from './secrets';
import { stageFromContext, type StageConfig } from './stage';
import { Workers } from './workers';

export interface RunningCoachStackProps extends StackProps {
  topology: Readonly<Record<string, FunctionSpec>>;
  /** Default: read from context (`-c stage=prod ...`, lib/aws/stage.ts). */
  stage?: StageConfig;
}

/** The topology entry whose log line reports the outbox's age (lib/aws/monitoring.ts). */
const OUTBOX_RELAY = 'relayOutbox';

export class RunningCoachStack extends Stack {
  public readonly api: Api;
  public readonly workers: Workers;

  constructor(scope: Construct, id: string, props: RunningCoachStackProps) {
    super(scope, id, props);
    const entries = Object.entries(props.topology);
    const stage = props.stage ?? stageFromContext(this.node);

    const keys = new Keys(this, 'Keys');
    const network = new Network(this, 'Network', { natGateways: stage.natGateways, logsKey: keys.logs });
    const database = new Database(this, 'Database', {
      network,
      stage,
      dataKey: keys.data,
      secretsKey: keys.secrets,
      logsKey: keys.logs,
    });
    const secrets = new AppSecrets(this, 'Secrets', { key: keys.secrets });
    const cache = new Cache(this, 'Cache', { network });
    const claimChecks = new ClaimChecks(this, 'ClaimChecks', { key: keys.data });
    const researchData = new ResearchData(this, 'ResearchData', { accessLogs: claimChecks.accessLogs });
    const events = new Events(this, 'Events');
    const alarms = new Alarms(this, 'Alarms', { key: keys.messaging, email: stage.alarmEmail });

    const functions = new Functions(this, 'Functions', {
      topology: props.topology,
      resources: { network, database, secrets, cache, claimChecks, events, researchData },
      logsKey: keys.logs,
    });

    const routes: ApiRoute[] = entries.flatMap(([name, spec]) =>
      isHttp(spec) ? [{ name, trigger: spec.trigger, handler: functions.get(name), timeoutSeconds: spec.timeoutSeconds }] : [],
    );
    this.api = new Api(this, 'Api', {
      routes,
      authorizer: theAuthorizer(props.topology, functions),
      domain: stage.domain,
      logsKey: keys.logs,
    });

    this.workers = new Workers(this, 'Workers', {
      workers: entries.flatMap(([name, spec]) => (isQueue(spec) ? [{ name, spec, handler: functions.get(name) }] : [])),
      bus: events.bus,
      alarms,
      key: keys.messaging,
    });

    const schedules: ScheduledFunction[] = entries.flatMap(([name, spec]) =>
      isSchedule(spec) ? [{ name, trigger: spec.trigger, handler: functions.get(name) }] : [],
    );
    new Schedules(this, 'Schedules', { schedules, alarms, key: keys.messaging });

    new Monitoring(this, 'Monitoring', {
      alarms,
      functions: functions.entries(),
      api: this.api.restApi,
      database,
      maxCapacityAcu: stage.database.maxCapacityAcu,
      ...(props.topology[OUTBOX_RELAY] && { outboxRelay: functions.get(OUTBOX_RELAY) }),
    });

    const steps: DeployStep[] = entries.flatMap(([name, spec]) =>
      spec.trigger.kind === 'deploy' ? [{ name, handler: functions.get(name), timeoutSeconds: spec.timeoutSeconds }] : [],
    );
    const stepHandlers = new Set(steps.map((step) => step.handler));
    new DeploySteps(this, 'Deploy', {
      steps,
      // The network holds the security-group rule that lets the migration reach the database.
      after: [network, database],
      // The functions themselves, not their roles: a role must exist before the KMS key policies that
      // name it, and those keys before the database the migration needs (a cycle otherwise).
      before: functions
        .all()
        .filter((fn) => !stepHandlers.has(fn))
        .map((fn) => fn.node.defaultChild as Construct),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API (the custom domain when given)' });
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
