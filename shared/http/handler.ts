// The one middleware stack for API routes. A handler states only its topology entry and its logic:
//   export const handler = httpHandler(functions.health, async () => ({ status: 'ok', db: 'ok' }));
// Order: request setup (id, header normalisation, size limit) -> JSON body parser -> zod validation
// -> handler; errors from any stage become problem+json in one place.
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { requestContentTypes, successStatuses, type HttpFunctionSpec, type RouteAuth, type RouteSchemas } from '../topology-types';
import { config } from '../config';
import { errorFields, logger } from '../logger';
import {
  BadRequest,
  describeFieldErrors,
  type HttpError,
  PayloadTooLarge,
  ServiceUnavailable,
  Unauthorized,
  UnsupportedMediaType,
  Unprocessable,
  type FieldError,
} from './errors';
import { fieldError, parseFields } from './field-errors';
import { problemResponse, toProblem } from './problem';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type ResponseOf<S extends RouteSchemas> = S['response'] extends z.ZodType ? z.input<S['response']> : unknown;

export interface HttpRequest<S extends RouteSchemas, A extends RouteAuth = RouteAuth> {
  body: Out<S['body']>;
  query: Out<S['query']>;
  params: Out<S['params']>;
  /** The authenticated user (set by the authorizer); undefined only on public routes. */
  userId: A extends 'user' ? string : string | undefined;
  requestId: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  event: APIGatewayProxyEvent;
}

/** A result with a status or headers other than the route's default. */
export class Reply<T = unknown> {
  constructor(
    readonly status: number,
    readonly body?: T,
    readonly headers: Record<string, string> = {},
  ) {}
}
export const respond = <T>(status: number, body?: T, headers?: Record<string, string>) => new Reply<T>(status, body, headers);

export type RouteHandler<S extends RouteSchemas, A extends RouteAuth = RouteAuth> = (
  request: HttpRequest<S, A>,
) => Promise<ResponseOf<S> | Reply<ResponseOf<S>>>;

interface Internal extends Record<string, unknown> {
  requestId: string;
  started: number;
}

function headerMap(event: APIGatewayProxyEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Sent on every answer, by the handlers, the local runtime and the gateway's own responses alike: no
 * MIME sniffing, HTTPS only, and nothing cached (answers are per user and carry health data).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cache-Control': 'no-store',
});

/** Answer 503 this long before the function's own timeout, instead of being cut off (a 502/504 and no Retry-After). */
const ANSWER_BEFORE_TIMEOUT_MS = 1_000;

function corsHeaders(): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'Access-Control-Allow-Origin': config().CORS_ALLOW_ORIGIN,
    'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After, Location',
  };
}

function bodyBytes(event: APIGatewayProxyEvent): number {
  if (event.body == null) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
}

export function httpHandler<S extends RouteSchemas, A extends RouteAuth>(spec: HttpFunctionSpec<S, A>, fn: RouteHandler<S, A>) {
  const route = spec.trigger;
  const schemas = route.schemas;
  const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const strictResponses = config().NODE_ENV !== 'production';
  const contentTypes = requestContentTypes(route);
  const statuses = new Set(successStatuses(route));

  const base = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, Internal>({
    timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS,
    timeoutEarlyResponse: () => {
      throw new ServiceUnavailable('The request took too long; retry later', 5);
    },
  });
  base.use(injectLambdaContext(logger));

  base.use({
    before: (request) => {
      const event = request.event;
      request.internal.started = performance.now();
      request.internal.requestId = event.requestContext?.requestId ?? request.context.awsRequestId ?? 'unknown';
      // REST (v1) events keep the caller's header case; everything downstream reads lower case.
      event.headers = headerMap(event);
      if (bodyBytes(event) > limit) throw new PayloadTooLarge(limit);
      if (schemas.body) {
        if (event.body == null || event.body === '') throw new Unprocessable([fieldError('body', 'is required')], 'validation_failed');
        const type = event.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (!type || !contentTypes.includes(type)) throw new UnsupportedMediaType(`Send the body as ${contentTypes.join(' or ')}`);
      }
    },
  });
  if (schemas.body) base.use(httpJsonBodyParser({ disableContentTypeError: false }));

  return base
    .use({
      onError: (request) => {
        const { requestId, started } = request.internal;
        const error = mapMiddyError(request.error);
        const { problem, headers } = toProblem(error, requestId, request.event.path);
        if (problem.status >= 500) {
          const e = error as Error & { code?: string };
          logger.error('request failed', { requestId, route: route.path, ...errorFields(e) });
        }
        logger.info('request', {
          requestId,
          method: route.method,
          route: route.path,
          status: problem.status,
          ms: Math.round(performance.now() - (started ?? performance.now())),
        });
        request.response = problemResponse(problem, { ...corsHeaders(), ...headers, 'X-Request-Id': requestId, 'Cache-Control': 'no-store' });
      },
    })
    .handler(async (event) => {
      // middy passes `request.internal` only to middlewares, so the id is recomputed the same way.
      const requestId = event.requestContext?.requestId ?? 'unknown';
      const started = performance.now();
      const userId = (event.requestContext?.authorizer as { userId?: string } | null | undefined)?.userId;
      if (route.auth === 'user' && !userId) throw new Unauthorized();

      const body = parsePart(schemas.body, event.body, 'body', (errors) => new Unprocessable(errors, 'validation_failed'));
      const query = parsePart(schemas.query, event.queryStringParameters ?? {}, 'query', (errors) => new BadRequest(describeFieldErrors(errors), errors));
      const params = parsePart(schemas.params, event.pathParameters ?? {}, 'params', (errors) => new BadRequest(describeFieldErrors(errors), errors));

      const result = await fn({ body, query, params, userId, requestId, headers: event.headers as Record<string, string>, event } as HttpRequest<S, A>);
      const reply = result instanceof Reply ? result : new Reply(route.successStatus ?? 200, result);
      if (strictResponses && reply.status < 300 && !statuses.has(reply.status)) {
        throw new Error(`${route.method} ${route.path} answered ${reply.status}, which its topology entry does not declare`);
      }
      if (strictResponses && schemas.response && reply.status < 300 && reply.body !== undefined) {
        const checked = schemas.response.safeParse(reply.body);
        if (!checked.success) throw new Error(`response does not match its schema: ${checked.error.message.slice(0, 500)}`);
      }
      logger.info('request', { requestId, method: route.method, route: route.path, status: reply.status, ms: Math.round(performance.now() - started) });
      const hasBody = reply.body !== undefined && reply.status !== 204;
      return {
        statusCode: reply.status,
        headers: {
          ...corsHeaders(),
          'Cache-Control': 'no-store',
          ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
          ...reply.headers,
          'X-Request-Id': requestId,
        },
        body: hasBody ? JSON.stringify(reply.body) : '',
      };
    });
}

function parsePart<T extends z.ZodType | undefined>(schema: T, value: unknown, prefix: string, toError: (errors: FieldError[]) => HttpError): unknown {
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

/** @middy/http-json-body-parser reports malformed JSON as 415; it is a bad request. */
function mapMiddyError(error: unknown): unknown {
  const e = error as { statusCode?: number; message?: string; cause?: { package?: string } } | null;
  if (e?.cause?.package === '@middy/http-json-body-parser') {
    if (e.message === 'Unsupported Media Type') return new UnsupportedMediaType();
    return new BadRequest('The body is not valid JSON', [fieldError('body', 'is not valid JSON')], 'malformed_body');
  }
  return error;
}
