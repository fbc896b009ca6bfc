// Event-driven workers: bus rule -> queue -> Lambda in batches, with a dead-letter queue that alarms.
// The queue between bus and function is what makes "nothing is lost" true: retries with backoff by
// visibility timeout, partial batch failures, and a place where poison messages wait for a human.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '#shared/events/catalogue';
import { visibilityTimeoutSeconds, type FunctionSpec, type QueueTrigger } from '#shared/topology-types';
import type { Alarms } from './alarms';
import { workerMaxConcurrency } from './concurrency';
import { acknowledge, KMS_QUEUE_GRANT } from './nag';

export interface WorkerProps {
  spec: FunctionSpec<QueueTrigger>;
  handler: lambda.IFunction;
  bus: events.IEventBus;
  alarms: Alarms;
  /** Encrypts the queue and its dead-letter queue. */
  key: kms.IKey;
  /** Concurrent batches at most (lib/aws/concurrency.ts). */
  maxConcurrency: number;
}

export class Worker extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { spec, handler, bus, alarms, key } = props;
    const trigger = spec.trigger;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      // The longest SQS allows: time for a human to read, fix and redrive.
      retentionPeriod: Duration.days(14),
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
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
        maxConcurrency: props.maxConcurrency,
      }),
    );
    // A worker that waits out a vendor's rate limit re-sends a delayed copy of the message to its own queue.
    this.queue.grantSendMessages(handler);
    if (handler instanceof lambda.Function) handler.addEnvironment('QUEUE_URL', this.queue.queueUrl);

    acknowledge(this.deadLetterQueue, {
      'AwsSolutions-SQS3': 'This is the dead-letter queue of the worker queue',
      'Serverless-SQSRedrivePolicy': 'This is the dead-letter queue of the worker queue; its depth alarms',
    });
    acknowledge(handler, {
      ...KMS_QUEUE_GRANT,
      'Serverless-LambdaEventSourceMappingDestination':
        'SQS event sources take no on-failure destination: the queue’s redrive policy moves a message to the dead-letter queue after maxReceiveCount tries',
    });

    this.deadLetterAlarm = alarms.alarm(
      this,
      'DeadLettersAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      { description: `${id}: messages gave up after ${trigger.maxReceiveCount} tries and wait in its dead-letter queue`, threshold: 1 },
    );
  }
}

export interface WorkersProps {
  workers: ReadonlyArray<{ name: string } & Pick<WorkerProps, 'spec' | 'handler'>>;
  bus: events.IEventBus;
  alarms: Alarms;
  key: kms.IKey;
}

export class Workers extends Construct {
  public readonly byName: ReadonlyMap<string, Worker>;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const { bus, alarms, key } = props;
    const maxConcurrency = workerMaxConcurrency(props.workers.filter(({ spec }) => spec.access.includes('database')).length);
    this.byName = new Map(props.workers.map(({ name, spec, handler }) => [name, new Worker(this, name, { spec, handler, bus, alarms, key, maxConcurrency })]));
  }
}
