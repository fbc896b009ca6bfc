// How many of each function may run at once, so that database connections fit the RDS Proxy.
//
//   backend connections the proxy may open = floor(189 x 80 %)                  = 151
//     (189: Aurora Serverless v2's max_connections at its 0.5 ACU minimum; 80 %: the proxy's share,
//      leaving room for the migration, the owner-secret rotation and an operator's psql)
//   each Lambda container holds a pool of DB_POOL_MAX = 2 connections (shared/config.ts default)
//   queue workers may hold at most a third of them                               = 50
//     so each of W workers gets maximumConcurrency = floor(50 / (W x 2))          (W = 2: 12 each, 48 held)
//   schedules and the deploy step run one at a time (reserved concurrency 1)     =  2 each
//   the API keeps the rest (>= 151 - 50 - 2 x schedules), and its rate is capped by the stage throttles
//     and the WAF rate rule; when it bursts past, the proxy queues borrowers for up to borrowTimeout
//     (10 s) instead of the database refusing connections.
// The synth fails if a topology change breaks these sums (too many workers for the budget).
import { CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU, PROXY_MAX_CONNECTIONS_PERCENT } from './data';

export const DB_POOL_MAX = 2;
export const PROXY_BACKEND_CONNECTIONS = Math.floor((CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU * PROXY_MAX_CONNECTIONS_PERCENT) / 100);
export const WORKER_CONNECTION_BUDGET = Math.floor(PROXY_BACKEND_CONNECTIONS / 3);
/** SQS event sources accept 2 to 1000. */
const SQS_MIN_MAXIMUM_CONCURRENCY = 2;

/** maximumConcurrency of every queue worker's event source, given how many database-using workers exist. */
export function workerMaxConcurrency(databaseWorkers: number): number {
  if (databaseWorkers === 0) return SQS_MIN_MAXIMUM_CONCURRENCY;
  const each = Math.floor(WORKER_CONNECTION_BUDGET / (databaseWorkers * DB_POOL_MAX));
  if (each < SQS_MIN_MAXIMUM_CONCURRENCY) {
    throw new Error(
      `${databaseWorkers} database workers x ${SQS_MIN_MAXIMUM_CONCURRENCY} x ${DB_POOL_MAX} connections exceed the workers' ${WORKER_CONNECTION_BUDGET} proxy connections: raise the budget in lib/aws/concurrency.ts`,
    );
  }
  return each;
}

/** Schedules and deploy steps: one run at a time (an overlapping sweep or migration would only contend). */
export const SINGLE_RUN_CONCURRENCY = 1;
