// The OpenAPI 3.1 document, generated from the topology's zod schemas: the routes and their shapes are
// stated once (lib/topology.ts), so the document cannot drift from what the handlers validate.
import { z } from 'zod';
import { isHttp, type FunctionSpec, type HttpFunctionSpec } from './topology-types';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType | undefined, io: 'input' | 'output'): Json | undefined {
  if (!schema) return undefined;
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete json.$schema;
  return json;
}

function parametersOf(spec: HttpFunctionSpec): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] } | undefined;
    for (const [name, property] of Object.entries(json?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json?.required ?? []).includes(name), schema: property });
    }
  };
  add('path', spec.trigger.schemas.params);
  add('query', spec.trigger.schemas.query);
  return out;
}

const problem = { description: 'RFC 9457 problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

export function openApiDocument(topology: Record<string, FunctionSpec>): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [name, spec] of Object.entries(topology)) {
    if (!isHttp(spec)) continue;
    const { method, path, auth, schemas, summary, successStatus } = spec.trigger;
    const body = schemaOf(schemas.body, 'input');
    const response = schemaOf(schemas.response, 'output');
    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId: name,
      summary,
      ...(auth === 'user' ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: parametersOf(spec),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        [String(successStatus ?? 200)]: response ? { description: 'Success', content: { 'application/json': { schema: response } } } : { description: 'Success' },
        '4XX': problem,
        '5XX': problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'RunningCoach API', version: '1' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
