// Where every alarm of the stack sends its notification: one KMS-encrypted topic, with the on-call
// address from context (`-c alarmEmail=...`) subscribed. `alarm()` is the one way an alarm is made.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface AlarmsProps {
  key: kms.IKey;
  email?: string;
}

export interface AlarmOptions {
  description: string;
  threshold: number;
  comparison?: cloudwatch.ComparisonOperator;
  evaluationPeriods?: number;
  /** Default: missing data is fine (no traffic, no errors). */
  treatMissingData?: cloudwatch.TreatMissingData;
}

export class Alarms extends Construct {
  public readonly topic: sns.Topic;
  private readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // The messaging key's policy lets CloudWatch publish; an alarm carries metric names, never health data.
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'RunningCoach alarms', enforceSSL: true, masterKey: props.key });
    if (props.email) {
      const subscription = new sns.Subscription(this, 'OnCall', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.email,
      });
      acknowledge(subscription, {
        'Serverless-SNSRedrivePolicy': 'An email that cannot be delivered has nobody else to go to; the alarm itself stays in ALARM on the CloudWatch console',
      });
    }
    this.action = new cloudwatchActions.SnsAction(this.topic);
  }

  alarm(scope: Construct, id: string, metric: cloudwatch.IMetric, options: AlarmOptions): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric,
      alarmDescription: options.description,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}

export const FIVE_MINUTES = Duration.minutes(5);
