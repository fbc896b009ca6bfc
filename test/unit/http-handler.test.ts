import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineFunction } from '#shared/topology-types';
import { Conflict } from '#shared/errors';
import { httpHandler, respond } from '#shared/http/handler';
import { apiEvent, jsonEvent, lambdaContext } from '#test/support/events';

const spec = defineFunction({
  entry: 'test/none.ts',
  description: 'test route',
  memoryMb: 128,
  timeoutSeconds: 3,
  access: [],
  trigger: {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/things',
    auth: 'user',
    summary: 'test',
    successStatus: 201,
    otherStatuses: { 202: 'a dry run: nothing stored' },
    maxBodyBytes: 1024,
    schemas: {
      body: z.object({ name: z.string().min(2), rpe: z.number().int().min(1).max(10) }).strict(),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      response: z.object({ id: z.string(), name: z.string() }),
    },
  },
});

const handler = httpHandler(spec, async ({ body, userId, query }) => {
  if (body.name === 'taken') throw new Conflict('name already used');
  if (body.name === 'boom') throw new Error('connection string postgres://secret@db leaked?');
  if (query.dryRun === 'true') return respond(202, { id: 'dry', name: body.name });
  if (body.name === 'undeclared') return respond(200, { id: 'x', name: body.name });
  return { id: `${userId}:1`, name: body.name };
});

const call = async (event: ReturnType<typeof apiEvent>) => {
  const res = await handler(event, lambdaContext);
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};
const user = '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11';

describe('the HTTP stack', () => {
  it('answers a valid request with the route status, JSON, CORS and a request id', async () => {
    const res = await call(jsonEvent('POST', { name: 'tempo', rpe: 7 }, { userId: user }));
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ id: `${user}:1`, name: 'tempo' });
    expect(res.headers?.['Content-Type']).toBe('application/json');
    expect(res.headers?.['X-Request-Id']).toBeTruthy();
    expect(res.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });

  it('lets a handler choose another status', async () => {
    const res = await call(jsonEvent('POST', { name: 'tempo', rpe: 7 }, { userId: user, queryStringParameters: { dryRun: 'true' } }));
    expect(res.statusCode).toBe(202);
  });

  it('rejects malformed JSON with 400 problem+json', async () => {
    const res = await call(jsonEvent('POST', '{"name": "te', { userId: user }));
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type']).toBe('application/problem+json');
    expect(res.json).toMatchObject({
      status: 400,
      title: 'Bad Request',
      code: 'malformed_body',
      type: 'urn:runningcoach:problem:malformed_body',
      errors: [{ field: 'body' }],
    });
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await call(jsonEvent('POST', 'name=tempo', { userId: user, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    expect(res.statusCode).toBe(415);
    expect(res.json.title).toBe('Unsupported Media Type');
    expect(res.json.code).toBe('unsupported_media_type');
  });

  it('accepts only the declared body media types: merge-patch is for PATCH', async () => {
    const mergePatch = { userId: user, headers: { 'Content-Type': 'application/merge-patch+json' } };
    expect((await call(jsonEvent('POST', { name: 'tempo', rpe: 7 }, mergePatch))).statusCode).toBe(415);
    const charset = { userId: user, headers: { 'Content-Type': 'application/json; charset=utf-8' } };
    expect((await call(jsonEvent('POST', { name: 'tempo', rpe: 7 }, charset))).statusCode).toBe(201);
  });

  it('fails a handler that answers a status its topology entry does not declare', async () => {
    const res = await call(jsonEvent('POST', { name: 'undeclared', rpe: 7 }, { userId: user }));
    expect(res.statusCode).toBe(500);
    expect(res.json.code).toBe('internal_error');
  });

  it('rejects a body over the route limit with 413 before parsing it', async () => {
    const res = await call(jsonEvent('POST', { name: 'x'.repeat(2000), rpe: 5 }, { userId: user }));
    expect(res.statusCode).toBe(413);
  });

  it('names every invalid field with 422', async () => {
    const res = await call(jsonEvent('POST', { name: 'a', rpe: 11 }, { userId: user }));
    expect(res.statusCode).toBe(422);
    const fields = res.json.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.rpe']));
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.errors).toContainEqual({ field: 'body.rpe', message: 'rpe must be a whole number from 1 to 10' });
    expect(res.json.errors).toContainEqual({ field: 'body.name', message: 'name must be text of at least 2 characters' });
    expect(res.json.detail).toContain('rpe must be a whole number from 1 to 10');
  });

  it('rejects unknown body fields (strict schemas) and a missing body', async () => {
    expect((await call(jsonEvent('POST', { name: 'ab', rpe: 3, admin: true }, { userId: user }))).statusCode).toBe(422);
    const missing = await call(apiEvent({ httpMethod: 'POST', headers: { 'content-type': 'application/json' }, userId: user }));
    expect(missing.statusCode).toBe(422);
  });

  it('rejects a bad query parameter with 400 naming it', async () => {
    const res = await call(jsonEvent('POST', { name: 'ab', rpe: 3 }, { userId: user, queryStringParameters: { dryRun: 'maybe' } }));
    expect(res.statusCode).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'query.dryRun', message: 'dryRun must be one of true or false' }]);
    expect(res.json.code).toBe('validation_failed');
  });

  it('refuses a user route that reached it without an authorizer identity', async () => {
    const res = await call(jsonEvent('POST', { name: 'ab', rpe: 3 }));
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toBe('Bearer');
  });

  it('maps typed errors to their status', async () => {
    const res = await call(jsonEvent('POST', { name: 'taken', rpe: 3 }, { userId: user }));
    expect(res.statusCode).toBe(409);
    expect(res.json.detail).toBe('name already used');
    expect(res.json).toMatchObject({ code: 'conflict', type: 'urn:runningcoach:problem:conflict' });
  });

  it('hides unexpected errors behind a 500 with the request id', async () => {
    const event = jsonEvent('POST', { name: 'boom', rpe: 3 }, { userId: user });
    const res = await call(event);
    expect(res.statusCode).toBe(500);
    expect(res.json.requestId).toBe(event.requestContext.requestId);
    expect(res.body).not.toContain('postgres://');
    expect(res.body).not.toContain('stack');
  });
});
