// The OpenAPI 3.1 document, generated from the topology's zod schemas: the routes and their shapes are
// stated once (lib/topology.ts, shared/contracts), so the document cannot drift from what the handlers
// validate. Schemas with a `.meta({ id })` become named components (generated clients get named types),
// and their `examples` become each operation's examples. The contract test (test/support/contract.ts)
// holds every answer of the e2e suites to this document.
import * as z from 'zod';
import { PROBLEM_CODES, problemType } from '#shared/http/errors';
import { isHttp, requestContentTypes, successStatuses, type FunctionSpec, type HttpFunctionSpec } from '#shared/topology-types';

type Json = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';

/** Named schemas, hoisted out of each route's JSON Schema; one name, one shape (input and output alike). */
class Components {
  readonly schemas: Record<string, Json> = {};

  add(name: string, json: Json): void {
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(json)) {
      throw new Error(`schema ${name} has two shapes (as a request and as a response?): name them apart`);
    }
    this.schemas[name] = json;
  }

  /** The route's JSON Schema with named parts replaced by references to components. */
  schemaOf(schema: z.ZodType | undefined, io: 'input' | 'output'): Json | undefined {
    if (!schema) return undefined;
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    const relink = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"${COMPONENT_REF}`));
    for (const [name, def] of Object.entries(defs)) this.add(name, relink(def));
    return relink(json);
  }

  /** The first example of a schema or of the component it references. */
  exampleOf(json: Json): unknown {
    const ref = json.$ref;
    const target = typeof ref === 'string' && ref.startsWith(COMPONENT_REF) ? this.schemas[ref.slice(COMPONENT_REF.length)] : json;
    return (target?.examples as unknown[] | undefined)?.[0];
  }
}

function parametersOf(spec: HttpFunctionSpec): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const example = (property.examples as unknown[] | undefined)?.[0];
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
        ...(example !== undefined ? { example } : {}),
      });
    }
  };
  add('path', spec.trigger.schemas.params);
  add('query', spec.trigger.schemas.query);
  if (spec.trigger.etag) {
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'The ETag of the copy the app holds: 304 while it is current',
      schema: { type: 'string' },
    });
  }
  return out;
}

const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const problem = (description: string, headers: Record<string, Json> = {}) => ({
  description,
  headers: { 'X-Request-Id': header('RequestId'), ...headers },
  content: { 'application/problem+json': { schema: { $ref: `${COMPONENT_REF}Problem` } } },
});

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

export function openApiDocument(topology: Record<string, FunctionSpec>): Json {
  const components = new Components();
  const paths: Record<string, Record<string, Json>> = {};
  for (const [name, spec] of Object.entries(topology)) {
    if (!isHttp(spec)) continue;
    const trigger = spec.trigger;
    const { method, path, auth, schemas, summary, successStatus, otherStatuses } = trigger;
    const body = components.schemaOf(schemas.body, 'input');
    const response = components.schemaOf(schemas.response, 'output');

    const successes: Record<string, Json> = {};
    for (const status of successStatuses(trigger)) {
      const description = status === (successStatus ?? 200) ? (STATUS_TEXT[status] ?? 'Success') : otherStatuses![status]!;
      const hasBody = response !== undefined && status !== 204 && status !== 304;
      successes[String(status)] = {
        description,
        headers: {
          'X-Request-Id': header('RequestId'),
          'Cache-Control': header('CacheControl'),
          ...(status === 201 ? { Location: header('Location') } : {}),
          ...(trigger.etag && (status === 200 || status === 304) ? { ETag: header('ETag') } : {}),
          ...(trigger.stream ? { 'Content-Disposition': header('ContentDisposition') } : {}),
        },
        ...(hasBody ? { content: { 'application/json': { schema: response, example: components.exampleOf(response) } } } : {}),
      };
    }

    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId: name,
      summary,
      description: spec.description,
      tags: [tagOf(path)],
      ...(auth === 'user' ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: parametersOf(spec),
      ...(body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(requestContentTypes(trigger).map((type) => [type, { schema: body, example: components.exampleOf(body) }])),
            },
          }
        : {}),
      responses: {
        ...successes,
        '4XX': problem('RFC 9457 problem details: `code` says which (see the Problem schema)'),
        '429': problem('Too many requests (`rate_limited`): retry after Retry-After seconds', { 'Retry-After': header('RetryAfter') }),
        '5XX': problem('RFC 9457 problem details: quote the requestId'),
        '503': problem('A dependency is unavailable (`service_unavailable`): retry after Retry-After seconds', { 'Retry-After': header('RetryAfter') }),
      },
    };
  }
  const codes = Object.keys(PROBLEM_CODES);
  return {
    openapi: '3.1.0',
    info: {
      title: 'RunningCoach API',
      version: '1',
      description: 'Training load, readiness and activities for runners. Generated from lib/topology.ts (`npm run openapi`).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-RunningCoach-Proprietary' },
    },
    // Relative: the document is served by the API it describes (`npm start` serves it on port 3000).
    servers: [{ url: '/', description: 'The host that serves this document' }],
    tags: [...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).map((op) => (op.tags as string[])[0]!)))]
      .sort()
      .map((name) => ({ name, description: `/api/v1/${name}` })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      headers: {
        RequestId: {
          description: 'Names this request in our logs: quote it when reporting a problem',
          required: true,
          schema: { type: 'string', minLength: 1 },
        },
        RetryAfter: { description: 'Seconds to wait before retrying', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
        Location: { description: 'Where the created resource is read', required: true, schema: { type: 'string', format: 'uri-reference' } },
        CacheControl: { description: 'Answers about an account are never stored by caches', required: false, schema: { type: 'string' } },
        ContentDisposition: { description: 'A file name for the download', required: true, schema: { type: 'string' } },
        ETag: {
          description: 'The version of this answer: send it back in If-None-Match to get 304 while it is current',
          required: true,
          schema: { type: 'string', minLength: 1 },
        },
      },
      schemas: {
        ...components.schemas,
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details. Switch on `code`; `type` is the same code as a URI.',
          required: ['type', 'code', 'title', 'status'],
          properties: {
            type: { type: 'string', enum: codes.map((code) => problemType(code as keyof typeof PROBLEM_CODES)) },
            code: {
              type: 'string',
              enum: codes,
              description: Object.entries(PROBLEM_CODES)
                .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
                .join('\n'),
            },
            title: { type: 'string' },
            status: { type: 'integer', minimum: 400, maximum: 599 },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              description: 'One per field, in words for a person',
              items: {
                type: 'object',
                required: ['field', 'message'],
                properties: {
                  field: { type: 'string', description: 'Where: body.rpe, query.from, params.id', examples: ['body.rpe'] },
                  message: { type: 'string', examples: ['rpe must be a whole number from 1 to 10'] },
                },
              },
            },
          },
          examples: [
            {
              type: problemType('validation_failed'),
              code: 'validation_failed',
              title: 'Unprocessable Content',
              status: 422,
              detail: 'rpe must be a whole number from 1 to 10',
              instance: '/api/v1/activities',
              requestId: 'c0a8012e-7f3d-4b1a-9e2f-5d6c7b8a9f00',
              errors: [{ field: 'body.rpe', message: 'rpe must be a whole number from 1 to 10' }],
            },
          ],
        },
      },
    },
  };
}

/** /api/v1/activities/{id} -> activities: one tag per resource family. */
function tagOf(path: string): string {
  return path.split('/')[3] ?? 'api';
}
