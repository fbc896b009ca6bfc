import { execFileSync } from 'node:child_process';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#lib/openapi';
import { functions } from '#lib/topology';
import { isHttp } from '#shared/topology-types';
import { PROBLEM_CODES } from '#shared/http/errors';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

type Json = Record<string, any>;
const doc = openApiDocument(functions) as Json;
const http = Object.entries(functions).filter(([, spec]) => isHttp(spec));
const operation = (name: keyof typeof functions) => {
  const spec = functions[name];
  if (!isHttp(spec)) throw new Error(`${name} is not a route`);
  return doc.paths[spec.trigger.path][spec.trigger.method.toLowerCase()] as Json;
};
const component = (name: string) => doc.components.schemas[name] as Json;

describe('the OpenAPI document', () => {
  it('lists every route of the topology once, under its method and path', () => {
    expect(http.length).toBeGreaterThan(0);
    for (const [name, spec] of http) {
      if (!isHttp(spec)) continue;
      expect(doc.paths[spec.trigger.path]?.[spec.trigger.method.toLowerCase()]?.operationId).toBe(name);
    }
  });

  it('marks authenticated routes as needing a bearer token', () => {
    for (const [name, spec] of http) {
      if (!isHttp(spec)) continue;
      const auth: string = spec.trigger.auth;
      expect(operation(name as keyof typeof functions).security.length > 0).toBe(auth === 'user');
    }
  });

  it('declares the statuses the handlers answer: 204 without content, 200 and 201 for a recorded activity', () => {
    for (const name of ['deleteMe', 'logout', 'deleteActivity', 'disconnectVendor'] as const) {
      const responses = operation(name).responses;
      expect(
        Object.keys(responses).filter((s) => /^2/.test(s)),
        name,
      ).toEqual(['204']);
      expect(responses['204'].content, name).toBeUndefined();
    }
    const created = operation('createActivity').responses;
    expect(created['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Activity' });
    expect(created['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Activity' });
    expect(operation('exportMe').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AccountExport' });
  });

  it('declares X-Request-Id on every answer, Retry-After on 429 and 503, Location on 201', () => {
    for (const [name] of http) {
      for (const [status, response] of Object.entries(operation(name as keyof typeof functions).responses as Record<string, Json>)) {
        expect(response.headers['X-Request-Id'], `${name} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        if (status === '429' || status === '503') expect(response.headers['Retry-After'], `${name} ${status}`).toBeDefined();
        if (status === '201') expect(response.headers.Location, `${name} ${status}`).toBeDefined();
      }
    }
    expect(doc.components.headers.RequestId.required).toBe(true);
  });

  it('declares ETag on the home screen (200 and 304) and the If-None-Match it honours', () => {
    const home = operation('getHome');
    expect(home.responses['200'].headers.ETag).toEqual({ $ref: '#/components/headers/ETag' });
    expect(home.responses['304'].headers.ETag).toEqual({ $ref: '#/components/headers/ETag' });
    expect(home.responses['304'].content).toBeUndefined();
    expect(home.parameters).toContainEqual(expect.objectContaining({ name: 'If-None-Match', in: 'header' }));
    expect(operation('getMe').responses['200'].headers.ETag).toBeUndefined();
  });

  it('states the rules the server enforces: formats, ranges, minProperties, merge-patch', () => {
    expect(component('RegisterBody').properties.email.format).toBe('email');
    expect(component('LogDailyMetricsBody').properties.date.format).toBe('date');
    for (const name of ['listDailyMetrics', 'getTrainingLoad', 'listActivities'] as const) {
      for (const parameter of operation(name).parameters.filter((p: Json) => ['from', 'to'].includes(p.name)))
        expect(parameter.schema.format, name).toBe('date');
    }
    expect(component('UpdateActivityBody').minProperties).toBe(1);
    expect(Object.keys(operation('updateMe').requestBody.content)).toEqual(['application/json', 'application/merge-patch+json']);
    expect(Object.keys(operation('createActivity').requestBody.content)).toEqual(['application/json']);
  });

  it('names the shapes clients meet, and states each once', () => {
    for (const name of [
      'Activity',
      'ActivityList',
      'DailyMetric',
      'LoadDay',
      'RiskAlert',
      'LoadReport',
      'Notification',
      'Task',
      'Me',
      'TokenPair',
      'IngestRejection',
      'Problem',
    ]) {
      expect(component(name), name).toBeDefined();
    }
    // The Activity shape (its duplicateOf property, say) lives in components only; paths reference it.
    expect(JSON.stringify(doc.paths)).not.toMatch(/"duplicateOf":\{/);
  });

  it('gives every operation an example, and every example is valid under its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
    const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const media: Array<[string, Json]> = [
          ...Object.entries((op.requestBody?.content ?? {}) as Record<string, Json>).map(
            ([type, m]) => [`requestBody/content/${escapePointer(type)}`, m] as [string, Json],
          ),
          ...Object.entries(op.responses as Record<string, Json>).flatMap(([status, r]) =>
            Object.entries((r.content ?? {}) as Record<string, Json>)
              .filter(([type]) => type === 'application/json')
              .map(([type, m]) => [`responses/${status}/content/${escapePointer(type)}`, m] as [string, Json]),
          ),
        ];
        // Only an operation with nothing to show (DELETE /me: no parameter, no body, 204) has no example.
        const exemplified = media.some(([, m]) => m.example !== undefined) || op.parameters.some((p: Json) => p.example !== undefined);
        if (media.length > 0 || op.parameters.length > 0) expect(exemplified, `${op.operationId} has no example`).toBe(true);
        for (const parameter of op.parameters.filter((p: Json) => p.in === 'path'))
          expect(parameter.example, `${op.operationId} ${parameter.name}`).toBeDefined();
        for (const [where, m] of media) {
          expect(m.example, `${op.operationId} ${where}`).toBeDefined();
          const validate = ajv.compile({ $ref: `openapi.json#/paths/${escapePointer(path)}/${method}/${where}/schema` });
          expect(validate(m.example), `${op.operationId} ${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('lists the stable problem codes in the Problem schema', () => {
    expect(component('Problem').properties.code.enum).toEqual(Object.keys(PROBLEM_CODES));
    expect(component('Problem').required).toContain('code');
  });

  it('is printed by `npm run openapi` as valid JSON, without -s', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_')));
    const printed = execFileSync('npm', ['run', 'openapi'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(printed)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('has servers and a license (Redocly recommended)', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.info.license.name).toBeTruthy();
  });
});
