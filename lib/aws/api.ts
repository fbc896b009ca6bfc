// The mobile app's and the vendors' door: one REST API, one Lambda per route, one authorizer for
// every `auth: 'user'` route. REST rather than HTTP API because only REST custom domains offer the
// TLS 1.3 security policy that health data calls for (DESIGN.md): with context `domainName` and
// `certificateArn` the API answers only there (SecurityPolicy_TLS13_1_3_2025_09, STRICT), and the
// execute-api endpoint is switched off. A WAF web ACL sits in front of the stage.
import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { HttpTrigger } from '#shared/topology-types';
import { addProblemResponses } from './problem-responses';
import { acknowledge, IAM4 } from './nag';
import type { CustomDomain } from './stage';

export const STAGE_NAME = 'v1';
export const TLS_POLICY = apigateway.SecurityPolicy.TLS13_1_3_2025_09;

/** The app's share: every route without its own throttle (requests per second, burst). */
export const APP_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
/**
 * Vendor webhooks get their own bucket per route, so a Garmin backfill burst cannot starve the app and
 * an app storm cannot make Strava's deliveries fail (Strava gives up on an endpoint that keeps failing).
 */
export const WEBHOOK_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
/** Requests per IP in 5 minutes (WAF's window) on app routes: 10 per second sustained. */
export const WAF_RATE_LIMIT_PER_IP = 3000;
/**
 * No second Lambda permission per route for the console's "test invoke": the stack stays under
 * CloudFormation's 500 resources, and nobody should invoke a health-data route from the console.
 */
const ONE_PERMISSION = { allowTestInvoke: false } as const;
const WEBHOOK_PATH_PREFIX = '/api/v1/webhooks/';

/** A public route under /api/v1/webhooks/ is called by a vendor's servers, not by the app. */
export function isVendorWebhook(trigger: HttpTrigger): boolean {
  return trigger.auth === 'public' && trigger.path.startsWith(WEBHOOK_PATH_PREFIX);
}

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
  /** Absent: the execute-api endpoint serves the API (TLS 1.2). */
  domain?: CustomDomain;
  logsKey?: kms.IKey;
}

export class Api extends Construct {
  public readonly restApi: apigateway.RestApi;
  /** https://<domainName>/ with a custom domain, else the execute-api URL with the stage (…/v1/). */
  public readonly url: string;
  public readonly webAcl: wafv2.CfnWebACL;
  private userAuthorizer?: apigateway.RequestAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    assertRoutesAreServable(props);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logsKey && { encryptionKey: props.logsKey }),
    });
    const webhookThrottles: Record<string, apigateway.MethodDeploymentOptions> = Object.fromEntries(
      props.routes
        .filter((route) => isVendorWebhook(route.trigger))
        .map((route) => [
          `${route.trigger.path}/${route.trigger.method}`,
          { throttlingRateLimit: WEBHOOK_THROTTLE.rateLimit, throttlingBurstLimit: WEBHOOK_THROTTLE.burstLimit },
        ]),
    );

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
        // Execution logs at ERROR, without data tracing: integration and authorizer failures, never a
        // request body (health data). Access logs carry one line per request.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: APP_THROTTLE.rateLimit,
        throttlingBurstLimit: APP_THROTTLE.burstLimit,
        methodOptions: webhookThrottles,
      },
      // With a TLS 1.3 custom domain, the TLS 1.2 execute-api door is closed.
      disableExecuteApiEndpoint: props.domain !== undefined,
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
          ? {
              ...ONE_PERMISSION,
              responseTransferMode: apigateway.ResponseTransferMode.STREAM,
              timeout: Duration.seconds(Math.min(900, route.timeoutSeconds ?? 900)),
            }
          : ONE_PERMISSION,
      );
      this.restApi.root.resourceForPath(path).addMethod(method, integration, {
        operationName: route.name,
        ...(auth === 'user'
          ? { authorizer: this.authorizerFor(props.authorizer), authorizationType: apigateway.AuthorizationType.CUSTOM }
          : { authorizationType: apigateway.AuthorizationType.NONE }),
      });
    }

    this.url = props.domain ? `https://${props.domain.domainName}/` : this.restApi.url;
    if (props.domain) this.addCustomDomain(props.domain);
    this.webAcl = this.addWebAcl(props.logsKey);
    this.acknowledgeFindings(props.routes);
  }

  private acknowledgeFindings(routes: readonly ApiRoute[]): void {
    acknowledge(this.restApi, {
      [IAM4.apiGatewayLogs]: 'The account-level role API Gateway uses to write access and execution logs; AWS-managed, logs only',
      'AwsSolutions-APIG2':
        'Every route validates its body, query and path with its zod schema in the handler and answers problem+json naming the field (RFC 9457); a gateway model would answer a different error shape',
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted': 'Answers are per-user health data and must not be served from a shared cache; nothing is cached',
      'HIPAA.Security-APIGWSSLEnabled':
        'The integrations are Lambda proxy integrations, invoked over AWS’s signed API; there is no HTTP backend to present a client certificate to',
    });
    const byMethod = new Map(routes.map((route) => [`${route.trigger.method} ${route.trigger.path}`, route]));
    for (const method of this.restApi.methods) {
      const route = byMethod.get(`${method.httpMethod} ${method.resource.path}`);
      if (method.httpMethod === 'OPTIONS') {
        const reason = 'CORS preflight: answered by API Gateway itself (mock integration) before any credential is sent, as browsers require';
        acknowledge(method, { 'AwsSolutions-APIG4': reason, 'AwsSolutions-COG4': reason });
      } else if (route?.trigger.auth === 'public') {
        const reason = isVendorWebhook(route.trigger)
          ? 'Vendor webhook: the vendor cannot send our tokens; the handler checks what the vendor offers (Strava subscription id, Garmin consumer key and user token) and touches no database'
          : 'Public by design (health check, sign-up, sign-in, token refresh, sign-out): it is how a client obtains a token';
        acknowledge(method, { 'AwsSolutions-APIG4': reason, 'AwsSolutions-COG4': reason });
      } else {
        acknowledge(method, {
          'AwsSolutions-COG4': 'Users are our own accounts (ES256 tokens from shared/auth), verified by the Lambda REQUEST authorizer, not a Cognito user pool',
        });
      }
    }
  }

  private addCustomDomain(domain: CustomDomain): void {
    const name = this.restApi.addDomainName('Domain', {
      domainName: domain.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: TLS_POLICY,
      // STRICT: a client that does not negotiate the policy's TLS 1.3 is refused, not downgraded.
      endpointAccessMode: apigateway.EndpointAccessMode.STRICT,
    });
    if (!domain.hostedZoneId) return;
    // CfnRecordSet rather than route53.ARecord: only the zone id is known, and ARecord wants its name.
    for (const type of ['A', 'AAAA']) {
      new route53.CfnRecordSet(this, `Alias${type}`, {
        hostedZoneId: domain.hostedZoneId,
        name: domain.domainName,
        type,
        aliasTarget: { dnsName: name.domainNameAliasDomainName, hostedZoneId: name.domainNameAliasHostedZoneId },
      });
    }
  }

  /** AWS managed common rules and known bad inputs, and a per-IP rate limit on app routes. */
  private addWebAcl(logsKey?: kms.IKey): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false, metricName });
    const managed = (priority: number, name: string, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides && { ruleActionOverrides }) } },
      visibilityConfig: visibility(name),
    });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('running-coach-api'),
      rules: [
        // Bodies above 8 KB are normal here (Garmin and Apple batches up to 5 MB, checked by the route's
        // own limit): that one rule counts instead of blocking.
        managed(0, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(1, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'RatePerIp',
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMIT_PER_IP,
              aggregateKeyType: 'IP',
              // Vendors deliver from a few servers: their routes are throttled by API Gateway instead.
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    byteMatchStatement: {
                      fieldToMatch: { uriPath: {} },
                      positionalConstraint: 'CONTAINS',
                      searchString: WEBHOOK_PATH_PREFIX,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
          visibilityConfig: visibility('RatePerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    // WAF writes only to groups named aws-waf-logs-*. Tokens are redacted before they are logged.
    const wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-running-coach-${Names.uniqueId(this).slice(-8).toLowerCase()}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logsKey && { encryptionKey: logsKey }),
    });
    new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [wafLogs.logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    return acl;
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
    throw new Error(`routes ${names} have auth 'user' but the topology declares no function with trigger kind 'authorizer'`);
  }
}
