// The one request core of the API's two handler shapes: httpHandler (handler.ts, a buffered answer through
// middy) and streamingHttpHandler (streaming.ts, a streamed answer). Both take the request id, the headers,
// the caller and the parsed parts from here, and answer with the same headers and the same problem+json,
// so a streamed route cannot drift from the others.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { z } from 'zod';
import { config } from '#shared/config';
import { describeFieldErrors, type DomainError, type FieldError, InvalidInput, Unauthenticated, Unprocessable } from '#shared/errors';
import { fieldError, parseFields } from '#shared/field-errors';
import { errorFields, logger } from '#shared/logger';
import type { HttpTrigger, RouteSchemas } from '#shared/topology-types';
import { type ProblemAnswer, problemResponse, toProblem } from './problem';

/**
 * Sent on every answer, by the handlers, the local runtime and the gateway's own responses alike: no
 * MIME sniffing, HTTPS only, and nothing cached (answers are per user and carry health data).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cache-Control': 'no-store',
});

/** The answer headers a browser client may read: every one a route sends for the app to use. */
export const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, Location, ETag, Content-Disposition';

export interface RequestCore {
  /** API Gateway's id of the request (the local runtime sets one too); the Lambda invocation's when absent. */
  requestId: string;
  started: number;
  /** Lower-cased header names: REST (v1) events keep the caller's case. */
  headers: Record<string, string>;
}

export function openRequest(event: APIGatewayProxyEvent, context?: Pick<Context, 'awsRequestId'>): RequestCore {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  return { requestId: event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown', started: performance.now(), headers };
}

/** The user the authorizer vouched for; a user route without one is refused (it cannot be reached so, but say no). */
export function callerOf(route: HttpTrigger, event: APIGatewayProxyEvent): string | undefined {
  const userId = (event.requestContext?.authorizer as { userId?: string } | null | undefined)?.userId;
  if (route.auth === 'user' && !userId) throw new Unauthenticated();
  return userId;
}

export interface RequestParts {
  body: unknown;
  query: unknown;
  params: unknown;
}

/** Each part through its schema: a bad body is 422, a bad query or path 400, every field named. */
export function parseParts(schemas: RouteSchemas, event: APIGatewayProxyEvent): RequestParts {
  return {
    body: parsePart(schemas.body, event.body, 'body', (errors) => new Unprocessable(errors, 'validation_failed')),
    query: parsePart(schemas.query, event.queryStringParameters ?? {}, 'query', (errors) => new InvalidInput(describeFieldErrors(errors), errors)),
    params: parsePart(schemas.params, event.pathParameters ?? {}, 'params', (errors) => new InvalidInput(describeFieldErrors(errors), errors)),
  };
}

function parsePart(schema: z.ZodType | undefined, value: unknown, prefix: string, toError: (errors: FieldError[]) => DomainError): unknown {
  if (!schema) return undefined;
  const nul = fieldsWithNul(value, prefix);
  if (nul.length > 0) throw toError(nul);
  const parsed = parseFields(schema, value, prefix);
  if ('errors' in parsed) throw toError(parsed.errors);
  return parsed.data;
}

/**
 * PostgreSQL text cannot hold U+0000: a string with one would pass zod and fail in the database as a 500
 * (or poison a worker downstream). Iterative, so a deeply nested body cannot overflow the stack.
 */
function fieldsWithNul(value: unknown, prefix: string): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0 && out.length < 10) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) out.push(fieldError(path, 'must not contain a NUL character'));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000')) out.push(fieldError(path, 'must not have a key with a NUL character'));
        else stack.push([child, `${path}.${k}`]);
      }
    }
  }
  return out;
}

/** The headers of every answer: security, CORS and the request id, with the answer's own in between. */
export function answerHeaders(requestId: string, own: Record<string, string> = {}): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'Access-Control-Allow-Origin': config().CORS_ALLOW_ORIGIN,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    ...own,
    'X-Request-Id': requestId,
  };
}

export function logRequest(core: RequestCore, route: HttpTrigger, status: number): void {
  logger.info('request', { requestId: core.requestId, method: route.method, route: route.path, status, ms: Math.round(performance.now() - core.started) });
}

/** An error before the answer began: its problem+json, and a log line (the error's fields for a 5xx, never the body). */
export function failureAnswer(error: unknown, core: RequestCore, route: HttpTrigger, event: APIGatewayProxyEvent): ProblemAnswer {
  const { problem, headers } = toProblem(error, core.requestId, event.path);
  if (problem.status >= 500) logger.error('request failed', { requestId: core.requestId, route: route.path, ...errorFields(error) });
  logRequest(core, route, problem.status);
  return problemResponse(problem, answerHeaders(core.requestId, { ...headers, 'Cache-Control': 'no-store' }));
}
