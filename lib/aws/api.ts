// The mobile app's and the vendors' door: one REST API, one Lambda per route, one authorizer for
// every `auth: 'user'` route. REST rather than HTTP API because only REST custom domains offer the
// TLS 1.3 security policy that health data calls for (DESIGN.md).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpTrigger } from '../../shared/topology-types';
import { addProblemResponses } from './problem-responses';

export const STAGE_NAME = 'v1';

export interface ApiRoute {
  /** Topology name; also the operation name API Gateway shows and exports. */
  name: string;
  trigger: HttpTrigger;
  handler: lambda.IFunction;
  /** The function's timeout: a streamed route's integration may wait that long (up to 15 minutes). */
  timeoutSeconds?: number;
}

export interface ApiAuthorizer {
  name: string;
  handler: lambda.IFunction;
  resultTtlSeconds: number;
}

export interface ApiProps {
  routes: readonly ApiRoute[];
  /** Required as soon as one route has `auth: 'user'`. */
  authorizer?: ApiAuthorizer;
}

export class Api extends Construct {
  public readonly restApi: apigateway.RestApi;
  /** Base URL including the stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/v1/ */
  public readonly url: string;
  private userAuthorizer?: apigateway.RequestAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    assertRoutesAreServable(props);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: 'running-coach',
      description: 'RunningCoach: mobile app API and vendor webhooks',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access logging needs the account-level CloudWatch role.
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        // Access logs only: execution logs with data tracing would write request bodies (health data).
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: apigateway.Cors.ALL_ORIGINS,
        allowMethods: apigateway.Cors.ALL_METHODS,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      },
    });
    // The stack exports the URL under a stable name (ApiUrl); RestApi's auto-named twin would only confuse.
    this.restApi.node.tryRemoveChild('Endpoint');
    addProblemResponses(this.restApi);

    for (const route of props.routes) {
      const { method, path, auth } = route.trigger;
      // Streamed answers (the export) bypass the 10 MB / 29 s buffered limits; Lambda must then be invoked
      // through its response-streaming API, which LambdaIntegration picks from responseTransferMode.
      const integration = new apigateway.LambdaIntegration(
        route.handler,
        route.trigger.stream
          ? { responseTransferMode: apigateway.ResponseTransferMode.STREAM, timeout: Duration.seconds(Math.min(900, route.timeoutSeconds ?? 900)) }
          : {},
      );
      this.restApi.root.resourceForPath(path).addMethod(method, integration, {
        operationName: route.name,
        ...(auth === 'user'
          ? { authorizer: this.authorizerFor(props.authorizer), authorizationType: apigateway.AuthorizationType.CUSTOM }
          : { authorizationType: apigateway.AuthorizationType.NONE }),
      });
    }

    this.url = this.restApi.url;
  }

  /**
   * Built on first use: CDK rejects an authorizer attached to no method, and a topology may declare
   * the authorizer before its first user route.
   */
  private authorizerFor(authorizer: ApiAuthorizer | undefined): apigateway.RequestAuthorizer {
    if (!authorizer) throw new Error('unreachable: user routes were checked to have an authorizer');
    this.userAuthorizer ??= new apigateway.RequestAuthorizer(this, 'UserAuthorizer', {
      authorizerName: authorizer.name,
      handler: authorizer.handler,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(authorizer.resultTtlSeconds),
    });
    return this.userAuthorizer;
  }
}

function assertRoutesAreServable({ routes, authorizer }: ApiProps): void {
  const seen = new Map<string, string>();
  for (const route of routes) {
    const key = `${route.trigger.method} ${route.trigger.path}`;
    const other = seen.get(key);
    if (other) throw new Error(`routes '${other}' and '${route.name}' both claim ${key}`);
    seen.set(key, route.name);
  }
  const guarded = routes.filter((route) => route.trigger.auth === 'user');
  if (guarded.length > 0 && !authorizer) {
    const names = guarded.map((route) => `'${route.name}' (${route.trigger.method} ${route.trigger.path})`).join(', ');
    throw new Error(
      `routes ${names} have auth 'user' but the topology declares no function with trigger kind 'authorizer'`,
    );
  }
}
