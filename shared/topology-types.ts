// The vocabulary of lib/topology.ts, in shared/ because the HTTP middleware and the workers read it too. Pure types: no CDK, no I/O. Both runtimes (lib/aws, lib/local)
// and the HTTP middleware read the same objects.
import type { z } from 'zod';
import type { DetailType } from '#shared/events/catalogue';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a function may touch; lib/aws turns each into IAM grants / network access / environment. */
/** 'database': DML as the application role through the proxy; 'databaseOwner': the schema owner (migrations only). */
export type Access = 'database' | 'databaseOwner' | 'bus' | 'jwtKeys' | 'vendorSecrets' | 'cache' | 'claimChecks' | 'researchData';

export interface RouteSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
}

export type RouteAuth = 'public' | 'user';

export interface HttpTrigger<S extends RouteSchemas = RouteSchemas, A extends RouteAuth = RouteAuth> {
  kind: 'http';
  method: HttpMethod;
  /** API Gateway resource path, parameters in braces: /api/v1/activities/{id} */
  path: string;
  /** 'user': the Lambda authorizer must accept a bearer token; 'public': no authorizer runs. */
  auth: A;
  schemas: S;
  /** Status of a plain (non-`respond()`) result. */
  successStatus?: number;
  /**
   * Other success statuses a handler may `respond()` with, and what each means. A status that is neither
   * this nor `successStatus` fails the handler outside production (and the contract test).
   */
  otherStatuses?: Readonly<Record<number, string>>;
  /** The answer carries an ETag and a request with a matching If-None-Match gets 304 (declare 304 in otherStatuses). */
  etag?: true;
  /** Largest accepted request body; larger gets 413 before parsing. Default 256 KiB. */
  maxBodyBytes?: number;
  /**
   * The answer is streamed (Lambda response streaming, API Gateway STREAM transfer mode): for bodies too
   * large to hold in memory. The handler is a `streamingHttpHandler` (shared/http/streaming.ts).
   */
  stream?: boolean;
  summary: string;
}

export interface QueueTrigger {
  kind: 'queue';
  /** EventBridge rule: events of these detail-types from our source are routed to the queue. */
  detailTypes: readonly DetailType[];
  batchSize: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  maxBatchingWindowSeconds?: number;
}

export interface ScheduleTrigger {
  kind: 'schedule';
  /** EventBridge schedule expression; the local scheduler understands `rate(N unit)`. */
  expression: `rate(${string})`;
}

/** The API Gateway REQUEST authorizer guarding every `auth: 'user'` route. */
export interface AuthorizerTrigger {
  kind: 'authorizer';
  resultTtlSeconds: number;
}

/** Runs once per deployment (CDK Trigger), e.g. database migrations. */
export interface DeployTrigger {
  kind: 'deploy';
}

export type Trigger = HttpTrigger | QueueTrigger | ScheduleTrigger | AuthorizerTrigger | DeployTrigger;

export interface FunctionSpec<T extends Trigger = Trigger> {
  /** Source file relative to the repository root, exporting `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  access: readonly Access[];
  trigger: T;
}

export type HttpFunctionSpec<S extends RouteSchemas = RouteSchemas, A extends RouteAuth = RouteAuth> = FunctionSpec<HttpTrigger<S, A>>;

/**
 * Keeps the literal types of each entry so handlers get typed bodies from the topology. Marked free of
 * side effects so that a Lambda bundle keeps only the entry its handler imports (and that entry's
 * contracts), not the whole topology.
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineFunction<T extends Trigger>(spec: FunctionSpec<T>): FunctionSpec<T> {
  return spec;
}

/** The statuses a route answers with on success: the document declares exactly these. */
export function successStatuses(trigger: HttpTrigger): number[] {
  return [trigger.successStatus ?? 200, ...Object.keys(trigger.otherStatuses ?? {}).map(Number)];
}

/** PATCH bodies are JSON merge patches (RFC 7396: absent keeps, null clears), so both media types say it. */
export function requestContentTypes(trigger: HttpTrigger): string[] {
  return trigger.method === 'PATCH' ? ['application/json', 'application/merge-patch+json'] : ['application/json'];
}

export function isHttp(spec: FunctionSpec): spec is HttpFunctionSpec {
  return spec.trigger.kind === 'http';
}
export function isQueue(spec: FunctionSpec): spec is FunctionSpec<QueueTrigger> {
  return spec.trigger.kind === 'queue';
}
export function isSchedule(spec: FunctionSpec): spec is FunctionSpec<ScheduleTrigger> {
  return spec.trigger.kind === 'schedule';
}

/** Parses `rate(5 minutes)` into milliseconds (the local scheduler's clock). */
export function rateToMs(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) throw new Error(`unsupported schedule expression: ${expression}`);
  const n = Number(m[1]);
  const unit = m[2]!.replace(/s$/, '');
  const ms = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return n * ms;
}

/**
 * SQS visibility timeout for a worker's queue: six times the function timeout (AWS's guidance for
 * event source mappings), so a message is never redelivered while a slow invocation still runs.
 */
export function visibilityTimeoutSeconds(spec: FunctionSpec<QueueTrigger>): number {
  return spec.timeoutSeconds * 6 + (spec.trigger.maxBatchingWindowSeconds ?? 0);
}
