import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/openapi';
import { functions } from '../../lib/topology';
import { isHttp } from '../../lib/topology-types';

describe('the OpenAPI document', () => {
  const doc = openApiDocument(functions) as { paths: Record<string, Record<string, { operationId: string; security: unknown[] }>> };

  it('lists every route of the topology once, under its method and path', () => {
    const http = Object.entries(functions).filter(([, spec]) => isHttp(spec));
    expect(http.length).toBeGreaterThan(0);
    for (const [name, spec] of http) {
      if (!isHttp(spec)) continue;
      expect(doc.paths[spec.trigger.path]?.[spec.trigger.method.toLowerCase()]?.operationId).toBe(name);
    }
  });

  it('marks authenticated routes as needing a bearer token', () => {
    for (const [, spec] of Object.entries(functions)) {
      if (!isHttp(spec)) continue;
      const op = doc.paths[spec.trigger.path]![spec.trigger.method.toLowerCase()]!;
      const auth: string = spec.trigger.auth;
      expect(op.security.length > 0).toBe(auth === 'user');
    }
  });
});
