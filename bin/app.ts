// The CDK app: the topology becomes one stack. No account, region or lookups, so `cdk synth` works
// offline; `cdk deploy` takes them from the caller's AWS profile. The stage and its options come from
// context (lib/aws/stage.ts). cdk-nag's three packs check the result; an unacknowledged finding fails
// the synth, and the report lands in cdk.out (policy-validation-report.json).
import { App } from 'aws-cdk-lib';
import { addNagPacks } from '#lib/aws/nag';
import { RunningCoachStack } from '#lib/aws/stack';
import { functions } from '#lib/topology';

const app = new App();
new RunningCoachStack(app, 'RunningCoach', { topology: functions });
addNagPacks(app);
