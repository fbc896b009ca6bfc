// A streamed route (GET /me/export) goes through the same request core as every other route: the same request
// id, the same NUL guard and validation, the same CORS and security headers, the same problem+json.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { NotFound } from '#shared/errors';
import { httpHandler } from '#shared/http/handler';
import { EXPOSED_HEADERS } from '#shared/http/request';
import { PRELUDE_DELIMITER, streamingHttpHandler } from '#shared/http/streaming';
import { defineFunction, type HttpTrigger } from '#shared/topology-types';
import { apiEvent, lambdaContext } from '#test/support/events';

const trigger = {
  kind: 'http',
  method: 'GET',
  path: '/api/v1/things/{id}',
  auth: 'user',
  summary: 'test',
  schemas: { query: z.object({ format: z.string().optional() }), params: z.object({ id: z.string() }) },
} satisfies HttpTrigger;
const base = { entry: 'test/none.ts', description: 'test route', memoryMb: 128, timeoutSeconds: 3, access: [] } as const;

async function* chunks() {
  yield '{"things":[';
  yield ']}';
}

const streamed = streamingHttpHandler(defineFunction({ ...base, trigger: { ...trigger, stream: true } }), async ({ params }) => {
  if (params.id === 'missing') throw new NotFound('No such thing');
  return { headers: { 'Content-Disposition': 'attachment; filename="things.json"' }, body: chunks() };
});
const buffered = httpHandler(defineFunction({ ...base, trigger }), async ({ params }) => {
  if (params.id === 'missing') throw new NotFound('No such thing');
  return { things: [] };
});

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What lib/local/http-server.ts reads back: the JSON prelude up to 8 NUL bytes, then the body. */
async function callStreamed(event: APIGatewayProxyEvent, context: Context = lambdaContext): Promise<Answer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  });
  await streamed(event, sink, context);
  const all = Buffer.concat(parts);
  const at = all.indexOf(Buffer.from(PRELUDE_DELIMITER));
  const prelude = JSON.parse(all.subarray(0, at).toString('utf8')) as { statusCode: number; headers: Record<string, string> };
  return { ...prelude, body: all.subarray(at + PRELUDE_DELIMITER.length).toString('utf8') };
}

async function callBuffered(event: APIGatewayProxyEvent, context: Context = lambdaContext): Promise<Answer> {
  const res = await buffered(event, context);
  return { statusCode: res.statusCode, headers: res.headers as Record<string, string>, body: res.body };
}

const user = '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11';
const event = (extra: Partial<APIGatewayProxyEvent> & { userId?: string } = {}) =>
  apiEvent({ path: '/api/v1/things/1', pathParameters: { id: '1' }, userId: user, ...extra });
/** The same event for both handlers (the buffered one lower-cases the headers of the object it is given). */
const both = async (make: () => APIGatewayProxyEvent, context?: Context) => [await callStreamed(make(), context), await callBuffered(make(), context)] as const;

describe('a streamed route and a buffered one answer alike', () => {
  it('refuses a NUL character in the query with the same 400 problem, naming the field', async () => {
    const e = event({ queryStringParameters: { format: 'json\u0000' } });
    const [s, b] = await both(() => ({ ...e }));
    expect(s.statusCode).toBe(400);
    expect(JSON.parse(s.body)).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'query.format', message: 'format must not contain a NUL character' }],
    });
    expect(s).toEqual(b);
  });

  it('refuses a NUL character in a path parameter the same way', async () => {
    const e = event({ pathParameters: { id: 'a\u0000b' } });
    const [s, b] = await both(() => ({ ...e }));
    expect(s.statusCode).toBe(400);
    expect(JSON.parse(s.body).errors).toEqual([{ field: 'params.id', message: 'id must not contain a NUL character' }]);
    expect(s).toEqual(b);
  });

  it('sends the same CORS, security headers and request id on a 200; the download name is readable by a browser', async () => {
    const e = event();
    const [s, b] = await both(() => ({ ...e }));
    expect(s.statusCode).toBe(200);
    expect(JSON.parse(s.body)).toEqual({ things: [] });
    expect(s.headers['X-Request-Id']).toBe(e.requestContext.requestId);
    const { 'Content-Disposition': disposition, ...rest } = s.headers;
    expect(disposition).toBe('attachment; filename="things.json"');
    expect(rest).toEqual(b.headers);
    expect(s.headers['Access-Control-Expose-Headers']).toBe(EXPOSED_HEADERS);
    expect(EXPOSED_HEADERS.split(', ')).toEqual(expect.arrayContaining(['X-Request-Id', 'Retry-After', 'Location', 'ETag', 'Content-Disposition']));
  });

  it('answers a typed error and a missing identity with the same problem and headers', async () => {
    const missing = event({ path: '/api/v1/things/missing', pathParameters: { id: 'missing' } });
    const [s404, b404] = await both(() => ({ ...missing }));
    expect(s404.statusCode).toBe(404);
    expect(s404).toEqual(b404);
    const anonymous = event({ userId: undefined });
    const [s401, b401] = await both(() => ({ ...anonymous }));
    expect(s401.statusCode).toBe(401);
    expect(s401.headers['WWW-Authenticate']).toBe('Bearer');
    expect(s401).toEqual(b401);
  });

  it("without API Gateway's request id, both use the invocation's, on success and on error alike", async () => {
    const context = { ...lambdaContext, awsRequestId: 'invocation-7' } as Context;
    const withoutId = (extra: Partial<APIGatewayProxyEvent> = {}) => {
      const e = event(extra);
      return () => ({ ...e, requestContext: { ...e.requestContext, requestId: undefined } }) as unknown as APIGatewayProxyEvent;
    };
    for (const answer of [...(await both(withoutId(), context)), ...(await both(withoutId({ pathParameters: { id: 'missing' } }), context))]) {
      expect(answer.headers['X-Request-Id']).toBe('invocation-7');
    }
    const [s, b] = await both(withoutId({ pathParameters: { id: 'missing' } }), context);
    expect(JSON.parse(s.body).requestId).toBe('invocation-7');
    expect(JSON.parse(b.body).requestId).toBe('invocation-7');
  });
});
