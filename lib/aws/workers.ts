// Event-driven workers: bus rule -> queue -> Lambda in batches, with a dead-letter queue that alarms.
// The queue between bus and function is what makes "nothing is lost" true: retries with backoff by
// visibility timeout, partial batch failures, and a place where poison messages wait for a human.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/events/catalogue';
import { visibilityTimeoutSeconds, type FunctionSpec, type QueueTrigger } from '../../shared/topology-types';

export interface WorkerProps {
  spec: FunctionSpec<QueueTrigger>;
  handler: lambda.IFunction;
  bus: events.IEventBus;
  alarmTopic: sns.ITopic;
}

export class Worker extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { spec, handler, bus, alarmTopic } = props;
    const trigger = spec.trigger;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time for a human to read, fix and redrive.
      retentionPeriod: Duration.days(14),
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(spec)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: trigger.maxReceiveCount },
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: bus,
      description: `${id}: ${trigger.detailTypes.join(', ')}`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...trigger.detailTypes] },
      // An event EventBridge cannot deliver lands in the same dead-letter queue, same envelope.
      targets: [new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
    });

    handler.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: trigger.batchSize,
        ...(trigger.maxBatchingWindowSeconds !== undefined && {
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
        }),
        reportBatchItemFailures: true,
      }),
    );
    // A worker that waits out a vendor's rate limit re-sends a delayed copy of the message to its own queue.
    this.queue.grantSendMessages(handler);
    if (handler instanceof lambda.Function) handler.addEnvironment('QUEUE_URL', this.queue.queueUrl);

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLettersAlarm', {
        alarmDescription: `${id}: messages gave up after ${trigger.maxReceiveCount} tries and wait in its dead-letter queue`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));
  }
}

export interface WorkersProps {
  workers: ReadonlyArray<{ name: string } & Omit<WorkerProps, 'bus' | 'alarmTopic'>>;
  bus: events.IEventBus;
  alarmTopic: sns.ITopic;
}

export class Workers extends Construct {
  public readonly byName: ReadonlyMap<string, Worker>;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const { bus, alarmTopic } = props;
    this.byName = new Map(
      props.workers.map(({ name, spec, handler }) => [name, new Worker(this, name, { spec, handler, bus, alarmTopic })]),
    );
  }
}
