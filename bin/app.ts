// The CDK app: the topology becomes one stack. No account, region or lookups, so `cdk synth` works
// offline; `cdk deploy` takes them from the caller's AWS profile.
import { App } from 'aws-cdk-lib';
import { RunningCoachStack } from '../lib/aws/stack';
import { functions } from '../lib/topology';

const app = new App();
new RunningCoachStack(app, 'RunningCoach', { topology: functions });
