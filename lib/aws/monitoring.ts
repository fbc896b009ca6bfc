// The alarms that are not owned by one trigger (queues and schedules alarm on their own dead letters):
// every function's errors and throttles, the API's 5xx and p99 latency, the outbox's age, Aurora's
// capacity and connections, and the proxy. All go to the alarm topic (lib/aws/alarms.ts).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FIVE_MINUTES, type Alarms } from './alarms';
import { PROXY_BACKEND_CONNECTIONS } from './concurrency';
import { CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU, type Database } from './data';

/** p99 above this for 15 minutes: the app feels slow (the API's own timeout is 29 s). */
export const API_P99_LATENCY_MS = 3000;
/** The relay runs every minute and leaves rows younger than 30 s to their writer: 5 minutes is stuck. */
export const OUTBOX_MAX_AGE_SECONDS = 300;
export const OUTBOX_AGE_METRIC = { namespace: 'RunningCoach', metricName: 'OutboxOldestAgeSeconds' } as const;

/** CloudWatch allows 10 metrics in one alarm's expression. */
export const FUNCTIONS_PER_ALARM = 10;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface MonitoringProps {
  alarms: Alarms;
  functions: ReadonlyArray<{ name: string; fn: lambda.Function }>;
  api: apigateway.RestApi;
  database: Database;
  maxCapacityAcu: number;
  /** The outbox relay, whose log line carries the age of the oldest waiting event. */
  outboxRelay?: lambda.Function;
}

export class Monitoring extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { alarms, database } = props;

    // One alarm per function would be 2 x 36 resources in a stack that CloudFormation caps at 500; a
    // metric-math alarm sums up to 10 functions, and its description names them (the metric graph in the
    // alarm shows which one).
    chunks(props.functions, FUNCTIONS_PER_ALARM).forEach((group, i) => {
      const names = group.map(({ name }) => name).join(', ');
      const sum = (label: string, metricOf: (fn: lambda.Function) => cloudwatch.IMetric) =>
        new cloudwatch.MathExpression({
          expression: group.map((_, j) => `m${j}`).join(' + '),
          usingMetrics: Object.fromEntries(group.map(({ fn }, j) => [`m${j}`, metricOf(fn)])),
          label,
          period: FIVE_MINUTES,
        });
      alarms.alarm(
        this,
        `FunctionErrors${i + 1}`,
        sum('errors', (fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })),
        {
          description: `Invocations failed (unhandled errors, timeouts) in one of: ${names}`,
          threshold: 1,
        },
      );
      alarms.alarm(
        this,
        `FunctionThrottles${i + 1}`,
        sum('throttles', (fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })),
        {
          description: `Invocations throttled (concurrency cap or account limit) in one of: ${names}`,
          threshold: 1,
        },
      );
    });

    alarms.alarm(this, 'Api5xx', props.api.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }), {
      description: 'API: 5 or more 5xx answers in 5 minutes',
      threshold: 5,
    });
    alarms.alarm(this, 'ApiLatencyP99', props.api.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.percentile(99) }), {
      description: `API: p99 latency above ${API_P99_LATENCY_MS} ms for 15 minutes`,
      threshold: API_P99_LATENCY_MS,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    if (props.outboxRelay) {
      new logs.MetricFilter(this, 'OutboxAgeFilter', {
        logGroup: props.outboxRelay.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'outbox age'),
        metricNamespace: OUTBOX_AGE_METRIC.namespace,
        metricName: OUTBOX_AGE_METRIC.metricName,
        metricValue: '$.oldestAgeSeconds',
      });
      alarms.alarm(this, 'OutboxAge', new cloudwatch.Metric({ ...OUTBOX_AGE_METRIC, period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }), {
        description: `Outbox: an event has waited more than ${OUTBOX_MAX_AGE_SECONDS} s to be published (or the relay stopped reporting)`,
        threshold: OUTBOX_MAX_AGE_SECONDS,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No report for 5 minutes means the relay is not running.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    const cluster = database.cluster;
    alarms.alarm(this, 'AuroraCapacity', cluster.metricServerlessDatabaseCapacity({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }), {
      description: `Aurora: above 80 % of its ${props.maxCapacityAcu} ACU ceiling for 15 minutes`,
      threshold: props.maxCapacityAcu * 0.8,
      evaluationPeriods: 3,
    });
    alarms.alarm(this, 'AuroraConnections', cluster.metricDatabaseConnections({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }), {
      description: `Aurora: more than 90 % of the ${CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU} connections the minimum capacity allows`,
      threshold: Math.floor(CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU * 0.9),
    });
    const proxyMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        dimensionsMap: { ProxyName: database.proxy.dbProxyName },
        period: FIVE_MINUTES,
        statistic,
      });
    alarms.alarm(this, 'ProxyConnections', proxyMetric('DatabaseConnections', cloudwatch.Stats.MAXIMUM), {
      description: `RDS Proxy: more than 90 % of its ${PROXY_BACKEND_CONNECTIONS} database connections in use`,
      threshold: Math.floor(PROXY_BACKEND_CONNECTIONS * 0.9),
    });
    alarms.alarm(this, 'ProxyBorrowLatency', proxyMetric('DatabaseConnectionsBorrowLatency', cloudwatch.Stats.percentile(99)), {
      description: 'RDS Proxy: p99 wait for a database connection above 1 s for 15 minutes (pool exhausted)',
      threshold: Duration.seconds(1).toMilliseconds() * 1000, // the metric is in microseconds
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
  }
}
