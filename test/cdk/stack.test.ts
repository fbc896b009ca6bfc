// The stack keeps the topology's promises: every declared function exists once, is reachable the way
// its trigger says, and may touch exactly what its access list says. Checked on the real topology and
// on a fixture that exercises every trigger kind.
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT, FUNCTION_NAME_TAG, RunningCoachFunction } from '#lib/aws/function';
import { RunningCoachStack } from '#lib/aws/stack';
import { functions } from '#lib/topology';
import { isHttp, isQueue, isSchedule, visibilityTimeoutSeconds, type Access, type FunctionSpec } from '#shared/topology-types';
import { DetailType, EVENT_SOURCE } from '#shared/events/catalogue';
import { APP_DB_USER } from '#shared/db/roles';
import { projectApp } from '#test/support/cdk';

type Topology = Record<string, FunctionSpec>;

// Entries point at files that exist; bundling is skipped, so which handler they hold does not matter.
const ENTRY = 'functions/api/health.ts';

const fixture = {
  authorizeUser: {
    entry: ENTRY,
    description: 'checks the bearer token',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: ['jwtKeys'],
    trigger: { kind: 'authorizer', resultTtlSeconds: 300 },
  },
  listActivities: {
    entry: ENTRY,
    description: 'the athlete’s activities',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/activities', auth: 'user', schemas: {}, summary: 'list' },
  },
  getActivity: {
    entry: ENTRY,
    description: 'one activity',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/activities/{activityId}', auth: 'user', schemas: {}, summary: 'get' },
  },
  health: {
    entry: ENTRY,
    description: 'liveness',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/health', auth: 'public', schemas: {}, summary: 'health' },
  },
  stravaWebhook: {
    entry: ENTRY,
    description: 'Strava pushes activities',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: ['vendorSecrets', 'bus', 'cache', 'claimChecks'],
    trigger: { kind: 'http', method: 'POST', path: '/webhooks/strava', auth: 'public', schemas: {}, summary: 'webhook' },
  },
  normalizeActivity: {
    entry: ENTRY,
    description: 'vendor payload to Activity',
    memoryMb: 512,
    timeoutSeconds: 60,
    access: ['database', 'bus', 'claimChecks'],
    trigger: { kind: 'queue', detailTypes: [DetailType.ActivityReceived], batchSize: 10, maxReceiveCount: 5, maxBatchingWindowSeconds: 5 },
  },
  updateRollingStats: {
    entry: ENTRY,
    description: 'acute and chronic load',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: ['database', 'bus'],
    trigger: { kind: 'queue', detailTypes: [DetailType.ActivityRecorded, DetailType.DailyMetricLogged], batchSize: 5, maxReceiveCount: 3 },
  },
  missedWorkoutSweep: {
    entry: ENTRY,
    description: 'users whose local midnight passed',
    memoryMb: 256,
    timeoutSeconds: 120,
    access: ['database', 'bus'],
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
  },
  migrate: {
    entry: 'functions/deploy/migrate.ts',
    description: 'schema migrations',
    memoryMb: 512,
    timeoutSeconds: 300,
    access: ['databaseOwner'],
    trigger: { kind: 'deploy' },
  },
} satisfies Topology;

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

function synth(topology: Topology): Template {
  const app = projectApp();
  return Template.fromStack(new RunningCoachStack(app, 'RunningCoach', { topology }));
}

function resources(template: Template, type: string, properties: Record<string, unknown> = {}): Array<[string, CfnResource]> {
  return Object.entries(template.findResources(type, { Properties: Match.objectLike(properties) })) as Array<[string, CfnResource]>;
}

function theOne(template: Template, type: string, properties: Record<string, unknown>): [string, CfnResource] {
  const found = resources(template, type, properties);
  expect(found, `${type} matching ${JSON.stringify(properties)}`).toHaveLength(1);
  return found[0]!;
}

/** Logical id of the resource a `Fn::GetAtt` points at. */
function getAttTarget(value: unknown): string {
  const target = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  if (!target) throw new Error(`not a Fn::GetAtt: ${JSON.stringify(value)}`);
  return target;
}

/** Our handlers, by topology name (CDK's own helper functions carry no tag). */
function functionIds(template: Template): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, fn] of resources(template, 'AWS::Lambda::Function')) {
    const tags = (fn.Properties.Tags ?? []) as Array<{ Key: string; Value: string }>;
    const name = tags.find((tag) => tag.Key === FUNCTION_NAME_TAG)?.Value;
    if (name !== undefined) {
      expect(ids.has(name), `two functions tagged ${name}`).toBe(false);
      ids.set(name, id);
    }
  }
  return ids;
}

/** Full path of every API resource, from the PathPart/ParentId chain. */
function resourcePaths(template: Template): Map<string, string> {
  const parts = new Map(resources(template, 'AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties]));
  const pathOf = (id: string): string => {
    const props = parts.get(id)!;
    const parent = props.ParentId as { Ref?: string };
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${String(props.PathPart)}`;
  };
  return new Map([...parts.keys()].map((id) => [id, pathOf(id)]));
}

function methodAt(template: Template, method: string, path: string): Record<string, unknown> | undefined {
  const paths = resourcePaths(template);
  const resourceId = [...paths].find(([, p]) => p === path)?.[0];
  if (!resourceId) return undefined;
  const found = resources(template, 'AWS::ApiGateway::Method', { HttpMethod: method, ResourceId: ref(resourceId) });
  return found[0]?.[1].Properties;
}

function entriesOf(topology: Topology): Array<[string, FunctionSpec]> {
  return Object.entries(topology);
}

describe.each([
  ['the real topology', functions as Topology],
  ['a fixture with every trigger kind', fixture as Topology],
])('the stack built from %s', (_label, topology) => {
  let template: Template;
  let ids: Map<string, string>;
  const entries = entriesOf(topology);

  beforeAll(() => {
    template = synth(topology);
    ids = functionIds(template);
  });

  it('has exactly one Lambda per topology function', () => {
    expect([...ids.keys()].sort()).toEqual(Object.keys(topology).sort());
  });

  it('runs every function on arm64 Node.js 24 with tracing, its own timeout and memory, and a retained, encrypted log group', () => {
    for (const [name, spec] of entries) {
      const fn = template.toJSON().Resources[ids.get(name)!] as CfnResource;
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMb,
        Environment: { Variables: expect.objectContaining(DEFAULT_ENVIRONMENT) },
      });
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.toJSON().Resources[logGroupId]).toMatchObject({
        Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^KeysLogsKey/), 'Arn'] } },
        DeletionPolicy: 'Delete',
      });
    }
  });

  it('serves every http route on its method and path, behind the authorizer exactly when auth is user', () => {
    const authorizers = resources(template, 'AWS::ApiGateway::Authorizer');
    const authorizerId = authorizers[0]?.[0];
    for (const [name, spec] of entries) {
      if (!isHttp(spec)) continue;
      const { method, path, auth } = spec.trigger;
      const found = methodAt(template, method, path);
      expect(found, `${method} ${path}`).toBeDefined();
      expect(found!.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(found!.Integration)).toContain(JSON.stringify(arnOf(ids.get(name)!)));
      if (auth === 'user') {
        expect(found).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: ref(authorizerId!) });
      } else {
        expect(found!.AuthorizationType).toBe('NONE');
        expect(found!.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('builds one REQUEST authorizer from the topology’s authorizer, keyed on the Authorization header', () => {
    const declared = entries.filter(([, spec]) => spec.trigger.kind === 'authorizer');
    const usedByRoutes = entries.some(([, spec]) => isHttp(spec) && spec.trigger.auth === 'user');
    const built = resources(template, 'AWS::ApiGateway::Authorizer');
    expect(built).toHaveLength(usedByRoutes ? 1 : 0);
    for (const [name, spec] of declared) {
      if (spec.trigger.kind !== 'authorizer' || !usedByRoutes) continue;
      const [, authorizer] = built[0]!;
      expect(authorizer.Properties).toMatchObject({
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: spec.trigger.resultTtlSeconds,
      });
      expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(JSON.stringify(arnOf(ids.get(name)!)));
    }
  });

  it('feeds every worker from the bus through a queue with a dead-letter queue, in partial-failure batches', () => {
    const busId = theOne(template, 'AWS::Events::EventBus', { Name: 'running-coach' })[0];
    const topicId = resources(template, 'AWS::SNS::Topic')[0]![0];
    for (const [name, spec] of entries) {
      if (!isQueue(spec)) continue;
      const trigger = spec.trigger;
      const [, mapping] = theOne(template, 'AWS::Lambda::EventSourceMapping', { FunctionName: ref(ids.get(name)!) });
      expect(mapping.Properties).toMatchObject({
        BatchSize: trigger.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ...(trigger.maxBatchingWindowSeconds !== undefined && { MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds }),
      });

      const queueId = getAttTarget(mapping.Properties.EventSourceArn);
      const queue = template.toJSON().Resources[queueId] as CfnResource;
      expect(queue.Properties.VisibilityTimeout).toBe(visibilityTimeoutSeconds(spec));
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * spec.timeoutSeconds);
      const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive.maxReceiveCount).toBe(trigger.maxReceiveCount);
      // The worker knows its own queue (delayed re-sends while a vendor rate-limits it).
      const fn = template.toJSON().Resources[ids.get(name)!] as CfnResource;
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.QUEUE_URL).toEqual({ Ref: queueId });

      const dlqId = getAttTarget(redrive.deadLetterTargetArn);
      expect((template.toJSON().Resources[dlqId] as CfnResource).Properties).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^KeysMessagingKey/), 'Arn'] },
      });
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KeysMessagingKey/), 'Arn'] });
      for (const id of [queueId, dlqId]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(id)],
          PolicyDocument: {
            Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
          },
        });
      }

      theOne(template, 'AWS::Events::Rule', {
        EventBusName: ref(busId),
        EventPattern: { source: [EVENT_SOURCE], 'detail-type': [...trigger.detailTypes] },
        Targets: Match.arrayWith([Match.objectLike({ Arn: arnOf(queueId) })]),
      });

      theOne(template, 'AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [ref(topicId!)],
      });
      // Concurrency fits the proxy (lib/aws/concurrency.ts).
      expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: expect.any(Number) });
      template.hasOutput(`${name}DeadLetterQueueUrl`, { Value: ref(dlqId) });
    }
  });

  it('runs every schedule from a rule with its expression on the default bus, one run at a time, failures into an alarmed DLQ', () => {
    const topicId = resources(template, 'AWS::SNS::Topic')[0]![0];
    for (const [name, spec] of entries) {
      if (!isSchedule(spec)) continue;
      const [, rule] = theOne(template, 'AWS::Events::Rule', {
        ScheduleExpression: spec.trigger.expression,
        Targets: Match.arrayWith([Match.objectLike({ Arn: arnOf(ids.get(name)!) })]),
      });
      expect(rule.Properties.EventBusName).toBeUndefined();
      const target = (rule.Properties.Targets as Array<{ DeadLetterConfig?: { Arn: unknown } }>)[0]!;
      const dlqId = getAttTarget(target.DeadLetterConfig!.Arn);
      const [, invokeConfig] = theOne(template, 'AWS::Lambda::EventInvokeConfig', { FunctionName: ref(ids.get(name)!) });
      expect(invokeConfig.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: arnOf(dlqId) } });
      theOne(template, 'AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        AlarmActions: [ref(topicId!)],
      });
      const fn = template.toJSON().Resources[ids.get(name)!] as CfnResource;
      expect(fn.Properties.ReservedConcurrentExecutions, name).toBe(1);
    }
  });

  it('runs deploy functions as a trigger after the database exists and before the other handlers update', () => {
    const clusterId = resources(template, 'AWS::RDS::DBCluster')[0]![0];
    const writerId = resources(template, 'AWS::RDS::DBInstance')[0]![0];
    for (const [name, spec] of entries) {
      if (spec.trigger.kind !== 'deploy') continue;
      const [versionId] = theOne(template, 'AWS::Lambda::Version', { FunctionName: ref(ids.get(name)!) });
      const [triggerId, trigger] = theOne(template, 'Custom::Trigger', { HandlerArn: ref(versionId) });
      expect(trigger.Properties).toMatchObject({ ExecuteOnHandlerChange: true, InvocationType: 'RequestResponse' });
      expect(trigger.DependsOn).toEqual(expect.arrayContaining([clusterId, writerId]));
      for (const [other, otherSpec] of entries) {
        if (otherSpec.trigger.kind === 'deploy') continue;
        const fn = template.toJSON().Resources[ids.get(other)!] as CfnResource;
        expect(fn.DependsOn, `${other} waits for ${name}`).toContain(triggerId);
      }
    }
  });

  it('grants each function what its access list names, and puts only database and cache users in the VPC', () => {
    const json = template.toJSON().Resources as Record<string, CfnResource>;
    const databaseSecretId = resources(template, 'AWS::SecretsManager::SecretTargetAttachment')[0]![0];
    const proxyId = resources(template, 'AWS::RDS::DBProxy')[0]![0];
    const expectedEnvironment: Record<Access, string> = {
      database: 'DATABASE_HOST',
      databaseOwner: 'DATABASE_SECRET_ARN',
      bus: 'EVENT_BUS_NAME',
      jwtKeys: 'JWT_SECRET_ARN',
      vendorSecrets: 'VENDOR_SECRET_ARN',
      cache: 'REDIS_URL',
      claimChecks: 'CLAIM_CHECK_BUCKET',
      researchData: 'RESEARCH_BUCKET',
    };
    for (const [name, spec] of entries) {
      const fn = json[ids.get(name)!]!;
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const granted = Object.keys(expectedEnvironment).filter((kind) => variables[expectedEnvironment[kind as Access]] !== undefined);
      expect(granted.sort(), name).toEqual([...new Set(spec.access)].sort());

      const inVpc = spec.access.includes('database') || spec.access.includes('databaseOwner') || spec.access.includes('cache');
      expect(fn.Properties.VpcConfig !== undefined, `${name} in the VPC`).toBe(inVpc);

      const roleId = getAttTarget(fn.Properties.Role);
      const statements = JSON.stringify(resources(template, 'AWS::IAM::Policy', { Roles: [ref(roleId)] }).map(([, p]) => p.Properties.PolicyDocument));
      if (spec.access.includes('database')) {
        // Through the proxy, as the application role, with an IAM token: no password, no secret.
        expect(variables).toMatchObject({ DATABASE_HOST: { 'Fn::GetAtt': [proxyId, 'Endpoint'] }, DATABASE_USER: APP_DB_USER });
        expect(statements).toContain('rds-db:connect');
        expect(statements).toContain(`/${APP_DB_USER}`);
      }
      if (!spec.access.includes('databaseOwner')) expect(statements, name).not.toContain(JSON.stringify(ref(databaseSecretId)));
      if (spec.access.includes('databaseOwner')) {
        expect(variables.DATABASE_SECRET_ARN).toEqual(ref(databaseSecretId));
        expect(statements).toContain('secretsmanager:GetSecretValue');
        expect(statements).toContain(JSON.stringify(ref(databaseSecretId)));
      }
      if (spec.access.includes('bus')) expect(statements).toContain('events:PutEvents');
      if (spec.access.includes('claimChecks')) expect(statements).toContain('s3:PutObject');
      if (spec.access.includes('cache')) expect(JSON.stringify(variables.REDIS_URL)).toMatch(/rediss:\/\/.*:6379/);
    }
  });

  it('lets database clients reach only the proxy, only the owners reach the cluster, and cache clients the cache', () => {
    const json = template.toJSON().Resources as Record<string, CfnResource>;
    const [, proxy] = theOne(template, 'AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL' });
    const proxyGroup = (proxy.Properties.VpcSecurityGroupIds as unknown[])[0];
    const [, cluster] = theOne(template, 'AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', StorageEncrypted: true });
    const databaseGroup = (cluster.Properties.VpcSecurityGroupIds as unknown[])[0];
    const [, cache] = theOne(template, 'AWS::ElastiCache::ServerlessCache', { Engine: 'valkey' });
    const cacheGroup = (cache.Properties.SecurityGroupIds as unknown[])[0];
    for (const [group, port, access] of [
      [proxyGroup, 5432, 'database'],
      [databaseGroup, 5432, 'databaseOwner'],
      [cacheGroup, 6379, 'cache'],
    ] as const) {
      const [, rule] = theOne(template, 'AWS::EC2::SecurityGroupIngress', { GroupId: group, FromPort: port, ToPort: port });
      for (const [name, spec] of entries) {
        const groups = (json[ids.get(name)!]!.Properties.VpcConfig as { SecurityGroupIds: unknown[] } | undefined)?.SecurityGroupIds ?? [];
        expect(
          groups.some((g) => JSON.stringify(g) === JSON.stringify(rule.Properties.SourceSecurityGroupId)),
          `${name} may reach the ${access}`,
        ).toBe(spec.access.includes(access));
      }
    }
  });

  it('answers gateway errors as problem+json, with 404 for unknown routes', () => {
    const expected = {
      DEFAULT_4XX: undefined,
      DEFAULT_5XX: undefined,
      MISSING_AUTHENTICATION_TOKEN: '404',
      REQUEST_TOO_LARGE: '413',
      UNAUTHORIZED: '401',
      ACCESS_DENIED: '403',
      THROTTLED: '429',
    };
    for (const [type, status] of Object.entries(expected)) {
      const [, response] = theOne(template, 'AWS::ApiGateway::GatewayResponse', { ResponseType: type });
      expect(response.Properties.StatusCode).toBe(status);
      expect(response.Properties.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.X-Request-Id': 'context.requestId',
        ...(type === 'THROTTLED' ? { 'gatewayresponse.header.Retry-After': "'1'" } : {}),
      });
      const body = (response.Properties.ResponseTemplates as Record<string, string>)['application/json']!;
      expect(body).toMatch(/"type":"urn:runningcoach:problem:[a-z_]+","code":"[a-z_]+"/);
      expect(body).toContain('"detail":');
      if (status) expect(body).toContain(`"status":${status}`);
    }
  });

  it('deploys stage v1 with tracing, metrics, access logs, error-level execution logs and the app throttle, and answers CORS preflights', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
    const preflights = JSON.stringify(resources(template, 'AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }));
    expect(preflights).toContain('Authorization,Content-Type,Idempotency-Key');
    template.hasOutput('ApiUrl', {});
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.startsWith('ApiRestApiEndpoint'))).toEqual([]);
    template.hasOutput('EventBusName', {});
  });
});

describe('the fixture’s API', () => {
  it('reuses shared path segments instead of duplicating resources', () => {
    const paths = [...resourcePaths(synth(fixture)).values()];
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((p) => p === '/api/v1/activities')).toHaveLength(1);
    expect(paths).toContain('/api/v1/activities/{activityId}');
  });
});

describe('the stack refuses a topology it cannot serve', () => {
  const { authorizeUser: _authorizer, ...withoutAuthorizer } = fixture;

  it('throws when a user route exists but no authorizer does', () => {
    expect(() => synth(withoutAuthorizer)).toThrow(/'listActivities'.*no function with trigger kind 'authorizer'/);
  });

  it('builds when no route needs an authorizer', () => {
    const { listActivities: _l, getActivity: _g, ...publicOnly } = withoutAuthorizer;
    expect(() => synth(publicOnly)).not.toThrow();
  });

  it('throws on two authorizers', () => {
    expect(() => synth({ ...fixture, second: fixture.authorizeUser })).toThrow(/2 authorizers/);
  });

  it('throws when two functions claim the same method and path', () => {
    expect(() => synth({ ...fixture, listAgain: fixture.listActivities })).toThrow(/both claim GET \/api\/v1\/activities/);
  });
});

describe('the function wrapper', () => {
  it('fills in defaults around the caller’s environment and never overwrites it', () => {
    const app = projectApp();
    const stack = new Stack(app, 'Wrapper');
    new RunningCoachFunction(stack, 'health', {
      name: 'health',
      spec: fixture.health,
      environment: { LOG_LEVEL: 'DEBUG', NODE_OPTIONS: '--enable-source-maps --max-old-space-size=200', TENANT: 'beta' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          LOG_LEVEL: 'DEBUG',
          NODE_OPTIONS: '--enable-source-maps --max-old-space-size=200',
          TENANT: 'beta',
          NODE_ENV: 'production',
          POWERTOOLS_SERVICE_NAME: 'running-coach',
        },
      },
    });
  });
});
