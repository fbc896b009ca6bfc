// Functions that run once per deployment (database migrations) as CDK Triggers: the deployment
// fails, and rolls back, if they fail.
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';

export interface DeployStep {
  name: string;
  handler: lambda.Function;
  timeoutSeconds: number;
}

export interface DeployStepsProps {
  steps: readonly DeployStep[];
  /** What must exist before a step runs (the database, the network path to it). */
  after: Construct[];
  /** What must wait for the steps: handlers that expect the migrated schema. */
  before: Construct[];
}

export class DeploySteps extends Construct {
  public readonly byName: ReadonlyMap<string, triggers.Trigger>;

  constructor(scope: Construct, id: string, props: DeployStepsProps) {
    super(scope, id);
    this.byName = new Map(
      props.steps.map(({ name, handler, timeoutSeconds }) => [
        name,
        new triggers.Trigger(this, name, {
          handler,
          executeAfter: props.after,
          executeBefore: props.before,
          // Re-run whenever the function (and so the bundled migrations) changes.
          executeOnHandlerChange: true,
          // The Trigger's default 2 minutes would cut a long migration short.
          timeout: Duration.seconds(timeoutSeconds),
        }),
      ]),
    );
  }
}
