// The standing contract test: every answer an e2e test receives through the local runtime is held to the
// OpenAPI document (lib/openapi.ts): a declared status, a declared content type, a body valid under its
// schema (JSON Schema 2020-12 with formats), and the declared required headers. A request the document
// accepts may not be refused with 400 or 422 unless the test says the refusal is semantic (a taken email,
// a date after the athlete's today). useLocalRuntime() (./local-runtime.ts) checks every fetch with this,
// so a route added to the topology is covered by the tests that call it, with no extra work.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '#lib/openapi';
import type { FunctionSpec } from '#shared/topology-types';

// ajv-formats is CommonJS: its default export arrives as the module under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

type Json = Record<string, any>;

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Why a 400/422 to a request the document accepts is right: a rule JSON Schema cannot state. */
  semantic?: string;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Verdict {
  /** operationId, `OPTIONS <path>` for a preflight, or `unrouted` for a method and path the API lacks. */
  operation: string;
  status: number;
  problems: string[];
}

interface Operation {
  id: string;
  method: string;
  pattern: RegExp;
  paramNames: string[];
  op: Json;
  pointer: string;
}

const escapePointer = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const mediaType = (value: string | undefined) => value?.split(';')[0]?.trim().toLowerCase();

export class Contract {
  readonly document: Json;
  readonly operations: Operation[] = [];
  private readonly ajv: Ajv2020;
  /** Query and path values arrive as text: validated with coercion, as a server framework would. */
  private readonly ajvParams: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(topology: Record<string, FunctionSpec>) {
    this.document = openApiDocument(topology);
    const make = (coerceTypes: boolean) => {
      const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes, validateFormats: true });
      addFormats(ajv);
      ajv.addSchema(this.document, 'openapi.json');
      return ajv;
    };
    this.ajv = make(false);
    this.ajvParams = make(true);
    for (const [path, methods] of Object.entries(this.document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const paramNames: string[] = [];
        const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
          paramNames.push(name);
          return '([^/]+)';
        });
        this.operations.push({
          id: op.operationId,
          method: method.toUpperCase(),
          pattern: new RegExp(`^${source}/?$`),
          paramNames,
          op,
          pointer: `#/paths/${escapePointer(path)}/${method}`,
        });
      }
    }
    // Literal segments win over parameters, as in API Gateway.
    this.operations.sort((a, b) => a.paramNames.length - b.paramNames.length);
  }

  private validator(pointer: string, coerce = false): ValidateFunction {
    const key = `${coerce}:${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = (coerce ? this.ajvParams : this.ajv).compile({ $ref: `openapi.json${pointer}` });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private errorsOf(validate: ValidateFunction): string {
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  }

  /** The problems with the request by the document's word; empty: the document accepts it. */
  requestProblems(operation: Operation, request: ExchangeRequest, match: RegExpExecArray): string[] {
    const problems: string[] = [];
    const url = new URL(request.url);
    const op = operation.op;
    if ((op.security as unknown[]).length > 0 && !request.headers.authorization) problems.push('no bearer token');
    (op.parameters as Json[]).forEach((parameter, index) => {
      const value =
        parameter.in === 'path' ? decodeURIComponent(match[operation.paramNames.indexOf(parameter.name) + 1] ?? '') : url.searchParams.get(parameter.name);
      if (value === null) {
        if (parameter.required) problems.push(`query ${parameter.name} is required`);
        return;
      }
      const holder = { value };
      const validate = this.validator(`${operation.pointer}/parameters/${index}/schema`, true);
      if (!validate(holder.value)) problems.push(`${parameter.in} ${parameter.name}: ${this.errorsOf(validate)}`);
    });
    if (op.requestBody) {
      const type = mediaType(request.headers['content-type']);
      if (!type || !op.requestBody.content[type]) problems.push(`content type ${type ?? '(none)'} is not declared`);
      else {
        let body: unknown;
        try {
          body = JSON.parse(request.body ?? '');
        } catch {
          problems.push('the body is not JSON');
          return problems;
        }
        const validate = this.validator(`${operation.pointer}/requestBody/content/${escapePointer(type)}/schema`);
        if (!validate(body)) problems.push(`body: ${this.errorsOf(validate)}`);
      }
    }
    return problems;
  }

  check(request: ExchangeRequest, response: ExchangeResponse): Verdict {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const problems: string[] = [];
    if (!response.headers['x-request-id']) problems.push('no X-Request-Id header');

    const matches = this.operations.map((operation) => ({ operation, match: operation.pattern.exec(url.pathname) })).filter((m) => m.match !== null);
    if (method === 'OPTIONS' && matches.length > 0) {
      if (response.status !== 204) problems.push(`a preflight answered ${response.status}`);
      return { operation: `OPTIONS ${url.pathname}`, status: response.status, problems };
    }
    const hit = matches.find((m) => m.operation.method === method);
    if (!hit) {
      // Not an operation of the document: the gateway's own answer, a problem like any other. A known path
      // may answer a wrong method with 405 and the methods it has in Allow.
      const allowed = matches.length > 0 ? [404, 405] : [404];
      if (!allowed.includes(response.status)) problems.push(`an unknown method and path answered ${response.status}, not ${allowed.join(' or ')}`);
      if (response.status === 405 && !response.headers.allow) problems.push('a 405 without an Allow header');
      problems.push(...this.problemShape(response));
      return { operation: 'unrouted', status: response.status, problems };
    }
    const { operation, match } = hit;
    const responses = operation.op.responses as Record<string, Json>;
    const declared =
      String(response.status) in responses
        ? String(response.status)
        : `${String(response.status)[0]}XX` in responses
          ? `${String(response.status)[0]}XX`
          : undefined;
    if (!declared) {
      problems.push(`status ${response.status} is not declared (declared: ${Object.keys(responses).join(', ')})`);
      return { operation: operation.id, status: response.status, problems };
    }
    if ((response.status === 400 || response.status === 422) && !request.semantic) {
      const refused = this.requestProblems(operation, request, match!);
      if (refused.length === 0)
        problems.push(
          `refused with ${response.status} a request the document accepts (${response.body.slice(0, 300)}); if a rule JSON Schema cannot state refused it, pass { semantic: 'why' }`,
        );
    }
    const declaration = responses[declared]!;
    for (const [name, header] of Object.entries((declaration.headers ?? {}) as Record<string, Json>)) {
      const resolved = header.$ref ? this.document.components.headers[String(header.$ref).split('/').at(-1)!] : header;
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (resolved.required) problems.push(`required header ${name} is missing`);
        continue;
      }
      const validate = this.validator(`#/components/headers/${String(header.$ref).split('/').at(-1)}/schema`);
      if (!validate(value)) problems.push(`header ${name}: ${this.errorsOf(validate)}`);
    }
    const content = declaration.content as Record<string, Json> | undefined;
    if (!content) {
      if (response.body.length > 0) problems.push(`status ${response.status} declares no content, but a body came`);
      return { operation: operation.id, status: response.status, problems };
    }
    const type = mediaType(response.headers['content-type']);
    if (!type || !content[type]) {
      problems.push(`content type ${type ?? '(none)'} is not declared for ${declared} (declared: ${Object.keys(content).join(', ')})`);
      return { operation: operation.id, status: response.status, problems };
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      problems.push('the body is not JSON');
      return { operation: operation.id, status: response.status, problems };
    }
    const validate = this.validator(`${operation.pointer}/responses/${declared}/content/${escapePointer(type)}/schema`);
    if (!validate(body)) problems.push(`body: ${this.errorsOf(validate)}`);
    if (type === 'application/problem+json' && (body as Json).status !== response.status) problems.push(`the problem says status ${(body as Json).status}`);
    return { operation: operation.id, status: response.status, problems };
  }

  private problemShape(response: ExchangeResponse): string[] {
    if (mediaType(response.headers['content-type']) !== 'application/problem+json') return ['not application/problem+json'];
    try {
      const validate = this.validator('#/components/schemas/Problem');
      return validate(JSON.parse(response.body)) ? [] : [`body: ${this.errorsOf(validate)}`];
    } catch {
      return ['the body is not JSON'];
    }
  }
}
