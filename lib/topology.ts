// ONE declaration of every function, route, event rule, queue and schedule. Pure data: lib/aws builds
// the CDK stack from it and lib/local runs it in one process. Handlers import their own entry from here,
// so a route's schemas, auth and limits are stated once.
import { HealthResponse } from '../shared/contracts/health';
import { defineFunction, type FunctionSpec } from './topology-types';

export const functions = {
  health: defineFunction({
    entry: 'functions/api/health.ts',
    description: 'Liveness with a real database round trip',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: {
      kind: 'http',
      method: 'GET',
      path: '/api/v1/health',
      auth: 'public',
      summary: 'Service and database health',
      schemas: { response: HealthResponse },
    },
  }),
  migrate: defineFunction({
    entry: 'functions/deploy/migrate.ts',
    description: 'Applies pending schema migrations on every deployment',
    memoryMb: 512,
    timeoutSeconds: 300,
    access: ['database'],
    trigger: { kind: 'deploy' },
  }),
} satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export const topology: ReadonlyArray<readonly [FunctionName, FunctionSpec]> = Object.entries(functions) as Array<
  [FunctionName, FunctionSpec]
>;
