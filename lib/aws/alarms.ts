// Where every alarm of the stack sends its notification; subscribe on-call here.
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class Alarms extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and an
    // alarm carries metric names, never health data.
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'RunningCoach alarms', enforceSSL: true });
  }
}
