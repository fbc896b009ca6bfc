// Clock-driven functions (e.g. the hourly missed-workout sweep), on the default bus.
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ScheduleTrigger } from '../../shared/topology-types';

export interface ScheduledFunction {
  name: string;
  trigger: ScheduleTrigger;
  handler: lambda.IFunction;
}

export interface SchedulesProps {
  schedules: readonly ScheduledFunction[];
}

export class Schedules extends Construct {
  public readonly byName: ReadonlyMap<string, events.Rule>;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.byName = new Map(
      props.schedules.map(({ name, trigger, handler }) => [
        name,
        new events.Rule(this, name, {
          description: `${name}: ${trigger.expression}`,
          schedule: events.Schedule.expression(trigger.expression),
          // Sweeps are idempotent and the next tick repeats them, so a short retry window suffices.
          targets: [new targets.LambdaFunction(handler, { retryAttempts: 2 })],
        }),
      ]),
    );
  }
}
