// One local runtime per e2e file: a fresh migrated database, the whole topology on a free port, and a
// `fetch` that holds every answer to the OpenAPI document (./contract.ts). A non-conforming answer fails
// the test that received it; the tally of operations and answers is printed at the end of the run
// (./global-setup.ts).
//
//   const local = useLocalRuntime();
//   it('...', async () => {
//     const res = await local.fetch('/api/v1/activities', { method: 'POST', headers: user.headers, body });
//     // a 400/422 to a request the document accepts needs a reason JSON Schema cannot state:
//     await local.fetch('/api/v1/auth/register', { ..., semantic: 'the email is taken' });
//   });
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import type { FunctionSpec } from '#shared/topology-types';
import type { Db } from '#shared/db/connection';
import { Contract, type Verdict } from './contract';
import { testDb, type TestDb } from './db';

export interface ApiInit extends RequestInit {
  /** Why a 400 or 422 to a request the document accepts is the right answer (a taken email, a future day). */
  semantic?: string;
}

export interface LocalApi {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly database: TestDb;
  readonly db: Db;
  /** fetch(`${url}${path}`), every answer checked against the OpenAPI document. Takes a path or a full URL. */
  fetch(pathOrUrl: string, init?: ApiInit): Promise<Response>;
}

export interface UseLocalRuntimeOptions extends Partial<Omit<LocalRuntimeOptions, 'topology' | 'db'>> {
  topology?: Record<string, FunctionSpec>;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** What one file's answers covered, for the run's summary. */
interface Tally {
  operations: string[];
  covered: Record<string, number>;
  responses: number;
}

const contracts = new WeakMap<object, Contract>();
function contractOf(topology: Record<string, FunctionSpec>): Contract {
  let contract = contracts.get(topology);
  if (!contract) contracts.set(topology, (contract = new Contract(topology)));
  return contract;
}

export function useLocalRuntime(options: UseLocalRuntimeOptions = {}): LocalApi {
  const { topology = functions, ...runtimeOptions } = options;
  let runtime: LocalRuntime | undefined;
  let database: TestDb | undefined;
  const contract = contractOf(topology);
  const tally: Tally = { operations: contract.operations.map((o) => o.id), covered: {}, responses: 0 };

  beforeAll(async () => {
    database = await testDb();
    runtime = await startLocalRuntime({ topology, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined, ...runtimeOptions });
  });
  afterAll(async () => {
    await runtime?.close();
    await database?.close();
    record(tally);
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the local runtime's ${what} is there from beforeAll on`);
    return value;
  };

  const api: LocalApi = {
    get url() {
      return ready(runtime, 'url').url;
    },
    get runtime() {
      return ready(runtime, 'runtime');
    },
    get database() {
      return ready(database, 'database');
    },
    get db() {
      return ready(database, 'database').db;
    },
    async fetch(pathOrUrl, init = {}) {
      const { semantic, ...request } = init;
      const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${api.url}${pathOrUrl}`;
      const res = await fetch(url, request);
      let text: string;
      try {
        text = await res.clone().text();
      } catch {
        return res; // a stream cut on purpose: what arrived cannot be judged whole
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => (headers[name] = value));
      const sent: Record<string, string> = {};
      new Headers(request.headers).forEach((value, name) => (sent[name] = value));
      const verdict = contract.check(
        { method: request.method ?? 'GET', url, headers: sent, body: typeof request.body === 'string' ? request.body : undefined, semantic },
        { status: res.status, headers, body: text },
      );
      count(tally, verdict);
      if (verdict.problems.length > 0) {
        throw new ContractViolation(
          `${request.method ?? 'GET'} ${new URL(url).pathname} (${verdict.operation}) answered ${res.status} against the OpenAPI document:\n- ${verdict.problems.join('\n- ')}`,
        );
      }
      return res;
    },
  };
  return api;
}

function count(tally: Tally, verdict: Verdict): void {
  tally.responses += 1;
  tally.covered[verdict.operation] = (tally.covered[verdict.operation] ?? 0) + 1;
}

function record(tally: Tally): void {
  if (tally.responses === 0) return;
  const dir = inject('contractTallyDir');
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${randomUUID()}.json`), JSON.stringify(tally));
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where each e2e file leaves its contract tally; global-setup.ts sums and prints them. */
    contractTallyDir: string;
  }
}
