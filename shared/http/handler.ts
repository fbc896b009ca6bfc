// The one middleware stack for API routes. A handler states only its topology entry and its logic:
//   export const handler = httpHandler(functions.health, async () => ({ status: 'ok', db: 'ok' }));
// Order: request setup (id, header normalisation, size limit) -> JSON body parser -> zod validation
// -> handler; errors from any stage become problem+json in one place.
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { requestContentTypes, successStatuses, type HttpFunctionSpec, type RouteAuth, type RouteSchemas } from '#shared/topology-types';
import { config } from '#shared/config';
import { InvalidInput, Unavailable, Unprocessable } from '#shared/errors';
import { fieldError } from '#shared/field-errors';
import { logger } from '#shared/logger';
import { PayloadTooLarge, UnsupportedMediaType } from './errors';
import { answerHeaders, callerOf, failureAnswer, logRequest, openRequest, parseParts, type RequestCore } from './request';

export { SECURITY_HEADERS } from './request';

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

/** Answer 503 this long before the function's own timeout, instead of being cut off (a 502/504 and no Retry-After). */
const ANSWER_BEFORE_TIMEOUT_MS = 1_000;

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

  // The request core is made once, before anything can fail, and read by every later stage.
  const cores = new WeakMap<APIGatewayProxyEvent, RequestCore>();
  const coreOf = (event: APIGatewayProxyEvent, context: Context) => cores.get(event) ?? openRequest(event, context);

  const base = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>({
    timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS,
    timeoutEarlyResponse: () => {
      throw new Unavailable('The request took too long; retry later', 5);
    },
  });
  base.use(injectLambdaContext(logger));

  base.use({
    before: (request) => {
      const event = request.event;
      const core = openRequest(event, request.context);
      cores.set(event, core);
      // Everything downstream (the body parser, the handler) reads lower-case header names.
      event.headers = core.headers;
      if (bodyBytes(event) > limit) throw new PayloadTooLarge(limit);
      if (schemas.body) {
        if (event.body == null || event.body === '') throw new Unprocessable([fieldError('body', 'is required')], 'validation_failed');
        const type = core.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (!type || !contentTypes.includes(type)) throw new UnsupportedMediaType(`Send the body as ${contentTypes.join(' or ')}`);
      }
    },
  });
  if (schemas.body) base.use(httpJsonBodyParser({ disableContentTypeError: false }));

  return base
    .use({
      onError: (request) => {
        request.response = failureAnswer(mapMiddyError(request.error), coreOf(request.event, request.context), route, request.event);
      },
    })
    .handler(async (event, context) => {
      const core = coreOf(event, context);
      const userId = callerOf(route, event);
      const { body, query, params } = parseParts(schemas, event);

      const result = await fn({ body, query, params, userId, requestId: core.requestId, headers: core.headers, event } as HttpRequest<S, A>);
      const reply = result instanceof Reply ? result : new Reply(route.successStatus ?? 200, result);
      if (strictResponses && reply.status < 300 && !statuses.has(reply.status)) {
        throw new Error(`${route.method} ${route.path} answered ${reply.status}, which its topology entry does not declare`);
      }
      if (strictResponses && schemas.response && reply.status < 300 && reply.body !== undefined) {
        const checked = schemas.response.safeParse(reply.body);
        if (!checked.success) throw new Error(`response does not match its schema: ${checked.error.message.slice(0, 500)}`);
      }
      logRequest(core, route, reply.status);
      const hasBody = reply.body !== undefined && reply.status !== 204;
      return {
        statusCode: reply.status,
        headers: answerHeaders(core.requestId, { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...reply.headers }),
        body: hasBody ? JSON.stringify(reply.body) : '',
      };
    });
}

/** @middy/http-json-body-parser reports malformed JSON as 415; it is a bad request. */
function mapMiddyError(error: unknown): unknown {
  const e = error as { statusCode?: number; message?: string; cause?: { package?: string } } | null;
  if (e?.cause?.package === '@middy/http-json-body-parser') {
    if (e.message === 'Unsupported Media Type') return new UnsupportedMediaType();
    return new InvalidInput('The body is not valid JSON', [fieldError('body', 'is not valid JSON')], 'malformed_body');
  }
  return error;
}
