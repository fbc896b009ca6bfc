// The local API Gateway: turns HTTP requests into REST (v1) proxy events, runs the same REQUEST
// authorizer on `auth: 'user'` routes, invokes the route's handler and writes its result back.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CODE_OF_STATUS, problemType } from '#shared/http/errors';
import { SECURITY_HEADERS } from '#shared/http/handler';
import type { HttpTrigger } from '#shared/topology-types';
import { serveDocs } from './docs';

/** API Gateway's own payload limit. Routes set smaller ones (413 from the handler). */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const STAGE = 'v1';
const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer' };
export const AUTHORIZER_RETRY_AFTER_SECONDS = '5';

export interface LocalRoute {
  name: string;
  trigger: HttpTrigger;
  invoke: (event: APIGatewayProxyEvent) => Promise<unknown>;
  /** For `stream: true` routes: runs the handler with a response stream (see shared/http/streaming.ts). */
  invokeStream?: (event: APIGatewayProxyEvent, sink: Writable) => Promise<unknown>;
}

export interface HttpServerOptions {
  routes: LocalRoute[];
  authorize?: (event: APIGatewayRequestAuthorizerEvent) => Promise<unknown>;
  corsOrigin: string;
  log: (line: string) => void;
  /** The OpenAPI document: served at /api/v1/openapi.json and rendered at /api/v1/docs (lib/local/docs.ts). */
  openApi?: () => unknown;
}

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  paramNames: string[];
  specificity: number;
}

function compile(route: LocalRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.trigger.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\+?\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  // Literal segments win over parameters, as in API Gateway.
  return { ...route, pattern: new RegExp(`^${source}/?$`), paramNames, specificity: -paramNames.length };
}

/** What API Gateway answers by itself (lib/aws/problem-responses.ts), in the handlers' problem shape, with its headers. */
function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  requestId: string,
  cors: Record<string, string>,
  extra: Record<string, string> = {},
) {
  const code = CODE_OF_STATUS[status] ?? (status < 500 ? 'request_rejected' : 'gateway_error');
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/problem+json', 'X-Request-Id': requestId, ...cors, ...extra });
  res.end(JSON.stringify({ type: problemType(code), code, title, status, detail, requestId }));
}

function multi(headers: IncomingMessage['headers']): { single: Record<string, string>; multiple: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multiple: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    multiple[k] = values;
    single[k] = values[values.length - 1]!;
  }
  return { single, multiple };
}

function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const statements = result?.policyDocument?.Statement ?? [];
  const matches = (resource: string) =>
    new RegExp(
      `^${resource
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(methodArn);
  let allowed = false;
  for (const s of statements as Array<{ Effect: string; Resource?: string | string[] }>) {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? ''];
    if (!resources.some(matches)) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/**
 * What API Gateway does with a streamed Lambda proxy response: the bytes before eight NULs are the JSON
 * metadata (status, headers), everything after is the body, passed on as it arrives with backpressure.
 */
function streamedResponse(res: ServerResponse): Writable {
  let head: Buffer | undefined = Buffer.alloc(0);
  const forward = (chunk: Buffer, done: (error?: Error | null) => void) => {
    if (chunk.length === 0 || res.write(chunk)) return done();
    res.once('drain', () => done());
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!head) return forward(chunk, done);
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(Buffer.alloc(8));
      if (at < 0) return done();
      let metadata: { statusCode?: number; headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
      try {
        metadata = JSON.parse(head.subarray(0, at).toString('utf8'));
      } catch {
        return done(new Error('malformed streaming response metadata'));
      }
      const headers: Record<string, string | string[]> = { ...(metadata.headers ?? {}), ...(metadata.multiValueHeaders ?? {}) };
      res.writeHead(metadata.statusCode ?? 200, headers);
      const rest = head.subarray(at + 8);
      head = undefined;
      forward(rest, done);
    },
    final(done) {
      if (head) return done(new Error('the function ended its stream without response metadata'));
      res.end(() => done());
    },
  });
}

export function createHttpServer(options: HttpServerOptions): Server {
  const routes = options.routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  const cors = { 'Access-Control-Allow-Origin': options.corsOrigin };
  let openApi: unknown;
  const document = () => (openApi ??= options.openApi?.());

  return createServer(async (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const done = () => options.log(`${method} ${url.pathname} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    res.on('finish', done);

    if (options.openApi && serveDocs(method, url.pathname, res, document, { 'X-Request-Id': requestId, ...cors })) return;

    const candidates = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((c): c is { r: CompiledRoute; m: RegExpExecArray } => c.m !== null);
    if (method === 'OPTIONS' && candidates.length > 0) {
      res.writeHead(204, {
        ...cors,
        'X-Request-Id': requestId,
        'Access-Control-Allow-Methods': [...new Set(candidates.map((c) => c.r.trigger.method)), 'OPTIONS'].join(','),
        'Access-Control-Allow-Headers': 'Authorization,Content-Type,Idempotency-Key',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const hit = candidates.find((c) => c.r.trigger.method === method);
    if (!hit && candidates.length > 0) {
      // A known path, another method: 405 naming the methods it has (RFC 9110 15.5.6). API Gateway
      // itself answers this like an unknown route, 404 (README: HTTP conventions).
      const allow = [...new Set(candidates.map((c) => c.r.trigger.method)), 'OPTIONS'].join(', ');
      return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}; use ${allow}`, requestId, { ...cors, Allow: allow });
    }
    if (!hit) return problem(res, 404, 'Not Found', `No route for ${method} ${url.pathname}`, requestId, cors);

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > API_GATEWAY_MAX_BODY_BYTES) {
        problem(res, 413, 'Content Too Large', `The request body exceeds ${API_GATEWAY_MAX_BODY_BYTES} bytes`, requestId, cors);
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);

    const { r: route, m } = hit;
    const pathParameters = Object.fromEntries(route.paramNames.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    const { single: headers, multiple: multiValueHeaders } = multi(req.headers);
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
      (multiQuery[k] ??= []).push(v);
    }
    const hasQuery = Object.keys(query).length > 0;
    const now = Date.now();
    const requestContext = {
      accountId: '000000000000',
      apiId: 'local',
      resourceId: route.name,
      stage: STAGE,
      requestId,
      requestTimeEpoch: now,
      requestTime: new Date(now).toUTCString(),
      path: `/${STAGE}${url.pathname}`,
      resourcePath: route.trigger.path,
      httpMethod: method,
      protocol: 'HTTP/1.1',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
      authorizer: null as Record<string, unknown> | null,
    };
    const utf8 = raw.toString('utf8');
    const isText = Buffer.from(utf8, 'utf8').equals(raw);
    const event = {
      resource: route.trigger.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? query : null,
      multiValueQueryStringParameters: hasQuery ? multiQuery : null,
      pathParameters: route.paramNames.length > 0 ? pathParameters : null,
      stageVariables: null,
      requestContext,
      body: raw.length === 0 ? null : isText ? utf8 : raw.toString('base64'),
      isBase64Encoded: raw.length > 0 && !isText,
    } as unknown as APIGatewayProxyEvent;

    if (route.trigger.auth === 'user') {
      if (!options.authorize) return problem(res, 500, 'Internal Server Error', 'No authorizer in the topology', requestId, cors);
      // identitySource is the Authorization header: without it API Gateway answers 401 itself.
      if (!headers.authorization) return problem(res, 401, 'Unauthorized', 'A valid bearer token is required', requestId, cors, UNAUTHORIZED_HEADERS);
      const methodArn = `arn:aws:execute-api:local:000000000000:local/${STAGE}/${method}${url.pathname}`;
      let result: APIGatewayAuthorizerResult;
      try {
        result = (await options.authorize({
          ...(event as object),
          type: 'REQUEST',
          methodArn,
        } as APIGatewayRequestAuthorizerEvent)) as APIGatewayAuthorizerResult;
      } catch (error) {
        if ((error as Error)?.message === 'Unauthorized')
          return problem(res, 401, 'Unauthorized', 'A valid bearer token is required', requestId, cors, UNAUTHORIZED_HEADERS);
        // AUTHORIZER_FAILURE: the authorizer could not decide (its database is down, it timed out). The
        // token may be fine, so not a 401 (the app would sign the user out): a retryable 503.
        return problem(res, 503, 'Service Unavailable', 'Authorization is temporarily unavailable; retry later', requestId, cors, {
          'Retry-After': AUTHORIZER_RETRY_AFTER_SECONDS,
        });
      }
      if (!policyAllows(result, methodArn)) return problem(res, 403, 'Forbidden', 'Not allowed', requestId, cors);
      requestContext.authorizer = { ...(result.context ?? {}), principalId: result.principalId };
    }

    if (route.trigger.stream && route.invokeStream) {
      const sink = streamedResponse(res);
      try {
        await route.invokeStream(event, sink);
        // The Lambda runtime ends a stream its handler left open.
        if (!sink.writableEnded) sink.end();
        await finished(sink);
      } catch {
        if (!res.headersSent) return problem(res, 502, 'Bad Gateway', 'The function failed', requestId, cors);
        res.destroy(); // mid-stream: the client sees the cut, as behind API Gateway
      }
      return;
    }

    let result: APIGatewayProxyResult;
    try {
      result = (await route.invoke(event)) as APIGatewayProxyResult;
      if (!result || typeof result.statusCode !== 'number') throw new Error('malformed Lambda proxy response');
    } catch {
      return problem(res, 502, 'Bad Gateway', 'The function failed', requestId, cors);
    }
    const outHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) outHeaders[k] = v.map(String);
    res.writeHead(result.statusCode, outHeaders);
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  });
}
