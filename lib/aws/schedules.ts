// Clock-driven functions (the hourly day-close sweep, the outbox relay...), on the default bus. A run
// that cannot be delivered, or that fails all of Lambda's async retries, lands in the schedule's
// dead-letter queue, which alarms; so does any failed run (the function's Errors).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduleTrigger } from '#shared/topology-types';
import type { Alarms } from './alarms';
import { acknowledge, KMS_QUEUE_GRANT } from './nag';

export interface ScheduledFunction {
  name: string;
  trigger: ScheduleTrigger;
  handler: lambda.IFunction;
}

export interface SchedulesProps {
  schedules: readonly ScheduledFunction[];
  alarms: Alarms;
  key: kms.IKey;
}

export interface Schedule {
  rule: events.Rule;
  deadLetterQueue: sqs.Queue;
}

export class Schedules extends Construct {
  public readonly byName: ReadonlyMap<string, Schedule>;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { alarms, key } = props;
    this.byName = new Map(
      props.schedules.map(({ name, trigger, handler }) => {
        const deadLetterQueue = new sqs.Queue(this, `${name}DeadLetterQueue`, {
          encryption: sqs.QueueEncryption.KMS,
          encryptionMasterKey: key,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        acknowledge(deadLetterQueue, {
          'AwsSolutions-SQS3': 'This is the dead-letter queue of the schedule',
          'Serverless-SQSRedrivePolicy': 'This is the dead-letter queue of the schedule; its depth alarms',
        });
        acknowledge(handler, KMS_QUEUE_GRANT);
        // Sweeps are idempotent and the next tick repeats them, so a short retry window suffices.
        handler.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
        const rule = new events.Rule(this, name, {
          description: `${name}: ${trigger.expression}`,
          schedule: events.Schedule.expression(trigger.expression),
          targets: [new targets.LambdaFunction(handler, { retryAttempts: 2, deadLetterQueue })],
        });
        alarms.alarm(
          this,
          `${name}DeadLettersAlarm`,
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
          { description: `schedule ${name}: a run failed every retry or could not be delivered`, threshold: 1 },
        );
        return [name, { rule, deadLetterQueue }] as const;
      }),
    );
  }
}
