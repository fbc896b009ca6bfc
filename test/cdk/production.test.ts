// The production properties of the stack, pinned: database access through an IAM-only proxy as the
// application role, customer-managed keys everywhere with rotation, TLS 1.3 on the custom domain, WAF,
// separate throttles, alarms to an on-call address, concurrency caps that fit the proxy, private
// endpoints, and cdk-nag clean under its three packs in both stages.
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { WAF_RATE_LIMIT_PER_IP, WEBHOOK_THROTTLE } from '#lib/aws/api';
import { DB_POOL_MAX, PROXY_BACKEND_CONNECTIONS, WORKER_CONNECTION_BUDGET, workerMaxConcurrency } from '#lib/aws/concurrency';
import { CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU, PROXY_MAX_CONNECTIONS_PERCENT } from '#lib/aws/data';
import { FUNCTION_NAME_TAG } from '#lib/aws/function';
import { FUNCTIONS_PER_ALARM } from '#lib/aws/monitoring';
import { RunningCoachStack } from '#lib/aws/stack';
import { stageFromContext } from '#lib/aws/stage';
import { functions } from '#lib/topology';
import { isHttp, isQueue, type FunctionSpec } from '#shared/topology-types';
import { APP_DB_USER } from '#shared/db/roles';
import { projectApp } from '#test/support/cdk';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
const topology = functions as Record<string, FunctionSpec>;

const PROD_CONTEXT = {
  stage: 'prod',
  domainName: 'api.running-coach.example',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  hostedZoneId: 'Z0123456789ABC',
  alarmEmail: 'oncall@running-coach.example',
};

function build(context: Record<string, unknown>) {
  const app = projectApp(context);
  const stack = new RunningCoachStack(app, 'RunningCoach', { topology });
  return { app, stack, template: Template.fromStack(stack) };
}

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

let dev: ReturnType<typeof build>;
let prod: ReturnType<typeof build>;
let devResources: Resources;
let prodResources: Resources;

beforeAll(() => {
  dev = build({});
  prod = build(PROD_CONTEXT);
  devResources = dev.template.toJSON().Resources;
  prodResources = prod.template.toJSON().Resources;
});

describe('cdk-nag', () => {
  it.each([
    ['dev, no context', () => dev],
    ['prod with a custom domain and an alarm address', () => prod],
  ])('finds nothing unacknowledged in %s under AwsSolutions, HIPAA Security and Serverless', (_label, built) => {
    const { app } = built();
    for (const pack of [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new ServerlessChecks(app)]) {
      const found = pack.validateScope(app).violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(found, pack.name).toEqual([]);
    }
  });

  it('still fails a resource nobody acknowledged', () => {
    const app = projectApp();
    const stack = new Stack(app, 'Unreviewed');
    new sqs.Queue(stack, 'Plain');
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toContain('AwsSolutions-SQS4');
  });
});

describe('the database', () => {
  it('is entered only through an RDS Proxy that requires TLS and IAM end to end', () => {
    prod.template.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true, DefaultAuthScheme: 'IAM_AUTH' });
    const [, proxy] = ofType(prodResources, 'AWS::RDS::DBProxy')[0]!;
    expect(proxy.Properties.Auth).toBeUndefined(); // no secrets: no password exists for the application role
    prod.template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      ConnectionPoolConfigurationInfo: Match.objectLike({ MaxConnectionsPercent: PROXY_MAX_CONNECTIONS_PERCENT }),
    });
  });

  it('has IAM auth, its own KMS key, log exports, and in prod deletion protection, 14-day backups and a reader', () => {
    const [, cluster] = ofType(prodResources, 'AWS::RDS::DBCluster')[0]!;
    expect(cluster.Properties).toMatchObject({
      EnableIAMDatabaseAuthentication: true,
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnableCloudwatchLogsExports: ['postgresql'],
    });
    expect(getAtt(cluster.Properties.KmsKeyId)).toMatch(/^KeysDataKey/);
    expect(ofType(prodResources, 'AWS::RDS::DBInstance')).toHaveLength(2);
    const [, devCluster] = ofType(devResources, 'AWS::RDS::DBCluster')[0]!;
    expect(devCluster.Properties).toMatchObject({ DeletionProtection: false, BackupRetentionPeriod: 7 });
    expect(ofType(devResources, 'AWS::RDS::DBInstance')).toHaveLength(1);
  });

  it('rotates the owner secret, which only the migration may read', () => {
    prod.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    const [ownerSecretId] = ofType(prodResources, 'AWS::SecretsManager::SecretTargetAttachment')[0]!;
    const readers = ofType(prodResources, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(JSON.stringify({ Ref: ownerSecretId })))
      .flatMap(([, p]) => p.Properties.Roles.map((r: { Ref: string }) => r.Ref));
    const migrateRole = getAtt(functionResource(prodResources, 'migrate').Properties.Role);
    expect(readers.filter((role: string) => role !== migrateRole && !role.includes('Rotation'))).toEqual([]);
    expect(readers).toContain(migrateRole);
  });

  it('lets every database function connect to the proxy as the application role, and no other role', () => {
    for (const [name, spec] of Object.entries(topology)) {
      const role = getAtt(functionResource(prodResources, name).Properties.Role);
      const statements = JSON.stringify(ofType(prodResources, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role)));
      expect(statements.includes('rds-db:connect'), name).toBe(spec.access.includes('database'));
      if (spec.access.includes('database')) {
        expect(statements).toContain(`/${APP_DB_USER}`);
        expect(statements).not.toContain('coach_admin');
      }
    }
  });
});

function functionResource(resources: Resources, name: string) {
  const found = ofType(resources, 'AWS::Lambda::Function').filter(([, r]) =>
    (r.Properties.Tags ?? []).some((t: { Key: string; Value: string }) => t.Key === FUNCTION_NAME_TAG && t.Value === name),
  );
  expect(found, name).toHaveLength(1);
  return found[0]![1];
}

describe('keys', () => {
  it('are customer managed with yearly rotation, and kept when the stack goes', () => {
    const keys = ofType(prodResources, 'AWS::KMS::Key');
    const ours = keys.filter(([id]) => id.startsWith('Keys'));
    expect(ours.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['KeysDataKey', 'KeysLogsKey', 'KeysMessagingKey', 'KeysSecretsKey']);
    for (const [, key] of ours) expect(key.Properties).toMatchObject({ RotationPeriodInDays: 365 });
    // Every key of the stack (the research dataset has its own) rotates and outlives the stack.
    for (const [id, key] of keys) {
      expect(key.Properties.EnableKeyRotation, id).toBe(true);
      expect(key.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('encrypt every secret, queue, topic, log group and the claim-check bucket', () => {
    for (const [id, secret] of ofType(prodResources, 'AWS::SecretsManager::Secret')) expect(getAtt(secret.Properties.KmsKeyId), id).toMatch(/^KeysSecretsKey/);
    for (const [id, queue] of ofType(prodResources, 'AWS::SQS::Queue')) expect(getAtt(queue.Properties.KmsMasterKeyId), id).toMatch(/^KeysMessagingKey/);
    for (const [id, topic] of ofType(prodResources, 'AWS::SNS::Topic')) expect(getAtt(topic.Properties.KmsMasterKeyId), id).toMatch(/^KeysMessagingKey/);
    for (const [id, group] of ofType(prodResources, 'AWS::Logs::LogGroup')) expect(getAtt(group.Properties.KmsKeyId), id).toMatch(/^KeysLogsKey/);
    const claimChecks = ofType(prodResources, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('ClaimChecksBucket'));
    expect(claimChecks).toHaveLength(1);
    const rule = claimChecks[0]![1].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(getAtt(rule.ServerSideEncryptionByDefault.KMSMasterKeyID)).toMatch(/^KeysDataKey/);
  });
});

describe('the edge', () => {
  it('serves the custom domain with SecurityPolicy_TLS13_1_3_2025_09 (strict) and closes the execute-api endpoint', () => {
    prod.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: PROD_CONTEXT.domainName,
      RegionalCertificateArn: PROD_CONTEXT.certificateArn,
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointAccessMode: 'STRICT',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    prod.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    prod.template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { DomainName: Match.anyValue() });
    for (const type of ['A', 'AAAA']) {
      prod.template.hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: PROD_CONTEXT.hostedZoneId, Name: PROD_CONTEXT.domainName, Type: type });
    }
    prod.template.hasOutput('ApiUrl', { Value: `https://${PROD_CONTEXT.domainName}/` });
  });

  it('without a domain keeps the execute-api endpoint and creates no domain', () => {
    expect(ofType(devResources, 'AWS::ApiGateway::DomainName')).toEqual([]);
    const [, api] = ofType(devResources, 'AWS::ApiGateway::RestApi')[0]!;
    expect(api.Properties.DisableExecuteApiEndpoint).toBeFalsy();
  });

  it('refuses half a domain configuration', () => {
    expect(() => build({ domainName: 'api.example.com' })).toThrow(/go together/);
    expect(() => build({ stage: 'staging' })).toThrow(/'dev' or 'prod'/);
  });

  it('puts a WAF web ACL with the managed common and bad-input rules and a per-IP rate rule in front of the stage, logged', () => {
    const [aclId, acl] = ofType(prodResources, 'AWS::WAFv2::WebACL')[0]!;
    const rules = acl.Properties.Rules as Array<{ Name: string; Statement: any }>;
    expect(rules.map((r) => r.Name)).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'RatePerIp']);
    expect(rules[2]!.Statement.RateBasedStatement).toMatchObject({ Limit: WAF_RATE_LIMIT_PER_IP, AggregateKeyType: 'IP' });
    const [, stage] = ofType(prodResources, 'AWS::ApiGateway::Stage')[0]!;
    expect(stage).toBeDefined();
    prod.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
    prod.template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    });
  });

  it('throttles each vendor webhook apart from the app', () => {
    const [, stage] = ofType(prodResources, 'AWS::ApiGateway::Stage')[0]!;
    const settings = stage.Properties.MethodSettings as Array<Record<string, unknown>>;
    const webhooks = Object.values(topology).filter((s) => isHttp(s) && s.trigger.auth === 'public' && s.trigger.path.startsWith('/api/v1/webhooks/'));
    expect(webhooks.length).toBeGreaterThan(0);
    for (const spec of webhooks) {
      if (!isHttp(spec)) continue;
      const path = `/${spec.trigger.path.replaceAll('/', '~1')}`;
      expect(settings).toContainEqual(
        expect.objectContaining({
          HttpMethod: spec.trigger.method,
          ResourcePath: path,
          ThrottlingRateLimit: WEBHOOK_THROTTLE.rateLimit,
          ThrottlingBurstLimit: WEBHOOK_THROTTLE.burstLimit,
        }),
      );
    }
  });
});

describe('alarms', () => {
  const alarmsOf = (resources: Resources): Array<Record<string, any>> =>
    ofType(resources, 'AWS::CloudWatch::Alarm').map(([id, a]) => ({ id, ...a.Properties }));

  it('all notify the topic, which mails the on-call address from context', () => {
    const [topicId] = ofType(prodResources, 'AWS::SNS::Topic')[0]!;
    for (const alarm of alarmsOf(prodResources)) expect(alarm.AlarmActions, alarm.id).toEqual([{ Ref: topicId }]);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: PROD_CONTEXT.alarmEmail, TopicArn: { Ref: topicId } });
    expect(ofType(devResources, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('watch every function’s errors and throttles', () => {
    const alarms = alarmsOf(prodResources);
    for (const [name] of Object.entries(topology)) {
      const id = Object.entries(prodResources).find(([, r]) => r === functionResource(prodResources, name))![0];
      for (const metric of ['Errors', 'Throttles']) {
        const watching = alarms.filter(
          (a) => JSON.stringify(a.Metrics ?? []).includes(`"MetricName":"${metric}"`) && JSON.stringify(a.Metrics).includes(JSON.stringify({ Ref: id })),
        );
        expect(watching, `${name} ${metric}`).toHaveLength(1);
        expect(watching[0]!.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).length).toBeLessThanOrEqual(FUNCTIONS_PER_ALARM);
      }
    }
  });

  it('watch the API’s 5xx and p99 latency, the outbox age, Aurora capacity and connections, and the proxy', () => {
    const alarms = alarmsOf(prodResources);
    const has = (pred: (a: any) => boolean, what: string) => expect(alarms.filter(pred), what).toHaveLength(1);
    has((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5XXError', 'API 5xx');
    has((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === 'Latency' && a.ExtendedStatistic === 'p99', 'API p99');
    has((a) => a.Namespace === 'RunningCoach' && a.MetricName === 'OutboxOldestAgeSeconds' && a.TreatMissingData === 'breaching', 'outbox age');
    has((a) => a.Namespace === 'AWS/RDS' && a.MetricName === 'ServerlessDatabaseCapacity', 'Aurora ACU');
    has((a) => a.Namespace === 'AWS/RDS' && a.MetricName === 'DatabaseConnections' && a.Dimensions?.[0]?.Name === 'DBClusterIdentifier', 'Aurora connections');
    has((a) => a.Namespace === 'AWS/RDS' && a.MetricName === 'DatabaseConnections' && a.Dimensions?.[0]?.Name === 'ProxyName', 'proxy connections');
    has((a) => a.Namespace === 'AWS/RDS' && a.MetricName === 'DatabaseConnectionsBorrowLatency', 'proxy borrow latency');
    prod.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "outbox age" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'OutboxOldestAgeSeconds', MetricValue: '$.oldestAgeSeconds' })],
    });
  });
});

describe('concurrency', () => {
  it('caps every worker so that their pools fit the workers’ share of the proxy', () => {
    expect(PROXY_BACKEND_CONNECTIONS).toBe(Math.floor((CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU * PROXY_MAX_CONNECTIONS_PERCENT) / 100));
    const workers = Object.entries(topology).filter(([, s]) => isQueue(s));
    const cap = workerMaxConcurrency(workers.filter(([, s]) => s.access.includes('database')).length);
    let held = 0;
    for (const [name, spec] of workers) {
      const fnId = Object.entries(prodResources).find(([, r]) => r === functionResource(prodResources, name))![0];
      prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: fnId }, ScalingConfig: { MaximumConcurrency: cap } });
      if (spec.access.includes('database')) held += cap * DB_POOL_MAX;
    }
    expect(held).toBeLessThanOrEqual(WORKER_CONNECTION_BUDGET);
  });

  it('refuses a topology whose workers cannot fit', () => {
    expect(() => workerMaxConcurrency(WORKER_CONNECTION_BUDGET)).toThrow(/exceed/);
  });
});

describe('the network', () => {
  it('reaches Secrets Manager, EventBridge, SQS and KMS through interface endpoints', () => {
    const services = ofType(prodResources, 'AWS::EC2::VPCEndpoint')
      .filter(([, e]) => e.Properties.VpcEndpointType === 'Interface')
      .map(([, e]) => JSON.stringify(e.Properties.ServiceName));
    for (const service of ['secretsmanager', 'events', 'sqs', 'kms'])
      expect(
        services.some((s) => s.includes(`.${service}`)),
        service,
      ).toBe(true);
  });

  it('has two NAT gateways in prod, one in dev, and flow logs', () => {
    expect(ofType(prodResources, 'AWS::EC2::NatGateway')).toHaveLength(2);
    expect(ofType(devResources, 'AWS::EC2::NatGateway')).toHaveLength(1);
    prod.template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('reads the stage from context', () => {
    expect(stageFromContext(prod.stack.node)).toMatchObject({ name: 'prod', natGateways: 2, alarmEmail: PROD_CONTEXT.alarmEmail });
    expect(stageFromContext(dev.stack.node)).toMatchObject({ name: 'dev', natGateways: 1 });
  });
});

describe('the bundles', () => {
  it('all load the one SDK layer, built for their runtime and architecture', () => {
    const layers = ofType(prodResources, 'AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(1);
    const [layerId, layer] = layers[0]!;
    expect(layer.Properties).toMatchObject({ CompatibleRuntimes: ['nodejs24.x'], CompatibleArchitectures: ['arm64'] });
    const ours = ofType(prodResources, 'AWS::Lambda::Function').filter(([, r]) =>
      (r.Properties.Tags ?? []).some((t: { Key: string }) => t.Key === FUNCTION_NAME_TAG),
    );
    expect(ours).toHaveLength(Object.keys(topology).length);
    for (const [id, fn] of ours) {
      expect(fn.Properties.Runtime, id).toBe('nodejs24.x');
      expect(fn.Properties.Layers, id).toEqual([{ Ref: layerId }]);
    }
  });
});
