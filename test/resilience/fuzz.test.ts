// The standing fuzz suite: every route of the topology, through the local runtime, with inputs generated
// from its own zod schemas (body, query, path): values of the schema's shape at its extremes, and values
// that break it. Promises: no 5xx; every refusal is problem+json, and a 400/422 names the fields; a refusal
// writes nothing. FUZZ_RUNS (default 10) bounds the inputs of each kind per route, so CI's time stays small.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { isHttp, type HttpFunctionSpec } from '#shared/topology-types';
import { createTestUser, type TestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { broken, jsonSchemaOf, shaped } from '#test/support/schema-arbitrary';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

let database: TestDb;
let runtime: LocalRuntime;
let services: WebhookServices;
let strava: FakeStrava;
let user: TestUser;
const tried: Array<{ route: string; inputs: number; statuses: Record<number, number> }> = [];

beforeAll(async () => {
  database = await testDb();
  strava = await startFakeStrava();
  services = useWebhookServices({ STRAVA_API_URL: strava.url });
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
  user = await createTestUser(database.db, { time_zone: 'Europe/Paris' });
});
afterAll(async () => {
  console.log(`fuzz (seed ${SEED}, ${RUNS} shaped + ${RUNS} broken inputs per part):`);
  for (const t of tried) console.log(`  ${t.route.padEnd(48)} ${String(t.inputs).padStart(4)} inputs  ${JSON.stringify(t.statuses)}`);
  console.log(
    `  total ${tried.reduce((n, t) => n + t.inputs, 0)} inputs, 5xx: ${tried.reduce(
      (n, t) =>
        n +
        Object.entries(t.statuses)
          .filter(([s]) => Number(s) >= 500)
          .reduce((m, [, c]) => m + c, 0),
      0,
    )}`,
  );
  await runtime?.close();
  await services?.close();
  await strava?.close();
  await database?.close();
});

/** Rows in every table: a refusal must leave the sum of them as it was. */
async function rowCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select sum(n_live)::int as n from (
      select (select count(*) from users) + (select count(*) from activities) + (select count(*) from daily_metrics)
           + (select count(*) from notifications) + (select count(*) from risk_alerts) + (select count(*) from vendor_connections)
           + (select count(*) from ingest_rejections) + (select count(*) from event_outbox) + (select count(*) from refresh_tokens)
           + (select count(*) from pending_tasks) + (select count(*) from failed_login_attempts) as n_live
    ) t`.execute(database.db);
  return rows[0]!.n;
}

interface Input {
  body?: unknown;
  query?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** What the handler will see of the input (query and path values travel as text). */
function asSent(input: Input): Input {
  const text = (o: Record<string, unknown> | undefined) =>
    o && typeof o === 'object'
      ? Object.fromEntries(
          Object.entries(o)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, asText(v)]),
        )
      : {};
  return { body: input.body, query: text(input.query), params: text(input.params) };
}

/** Whether the route's own schemas accept the input as sent (then it is not a refusal we can demand). */
function acceptable(spec: HttpFunctionSpec, input: Input): boolean {
  const sent = asSent(input);
  return (['body', 'query', 'params'] as const).every((part) => !spec.trigger.schemas[part] || spec.trigger.schemas[part]!.safeParse(sent[part]).success);
}

function request(spec: HttpFunctionSpec, input: Input): Promise<Response> {
  const { path, method, auth, schemas } = spec.trigger;
  const url = new URL(runtime.url);
  const sent = asSent(input);
  url.pathname = path.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent(String(sent.params?.[name] ?? 'x')) || 'x');
  for (const [k, v] of Object.entries(sent.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = auth === 'user' ? { ...user.headers } : {};
  let body: string | undefined;
  if (schemas.body && method !== 'GET') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input.body ?? null) ?? 'null';
  }
  return fetch(url, { method, headers, body });
}

async function expectWellFormed(res: Response, route: string, input: Input) {
  const context = `${route} ${JSON.stringify(input).slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  if (res.status < 400) return void (await res.body?.cancel());
  expect(res.headers.get('content-type'), context).toBe('application/problem+json');
  const problem = (await res.json()) as { status: number; errors?: Array<{ field: string }> };
  expect(problem.status, context).toBe(res.status);
  if (res.status === 400 || res.status === 422) {
    if (problem.errors) for (const e of problem.errors) expect(e.field, context).toMatch(/^(body|query|params)(\.|$)/);
  }
}

// DELETE /me erases the fuzzing user: it goes last.
const routes = Object.entries(functions)
  .filter(([, spec]) => isHttp(spec))
  .sort(([a], [b]) => Number(a === 'deleteMe') - Number(b === 'deleteMe')) as Array<[string, HttpFunctionSpec]>;

describe('fuzz: every route, from its own schemas', () => {
  for (const [name, spec] of routes) {
    const { method, path, schemas } = spec.trigger;
    const route = `${method} ${path}`;
    it(`${route}: no 5xx, refusals are problem+json naming fields, a refusal writes nothing`, async () => {
      const parts = (['body', 'query', 'params'] as const).filter((p) => schemas[p]);
      const statuses: Record<number, number> = {};
      let inputs = 0;
      const send = async (input: Input) => {
        const res = await request(spec, input);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        inputs += 1;
        await expectWellFormed(res, route, input);
        return res.status;
      };
      const valid = Object.fromEntries(parts.map((p) => [p, shaped(jsonSchemaOf(schemas[p]!))])) as Record<string, fc.Arbitrary<unknown>>;
      const seed = SEED + name.length;

      // Broken inputs: each part broken in turn, the others of the right shape. One its schema refuses
      // must be refused, and must write nothing.
      for (const part of parts) {
        const arbitrary = fc.record({ ...valid, [part]: broken(jsonSchemaOf(schemas[part]!)) }) as fc.Arbitrary<Input>;
        for (const input of fc.sample(arbitrary, { numRuns: RUNS, seed })) {
          const refusable = !acceptable(spec, input);
          if (refusable) await runtime.drain();
          const before = refusable ? await rowCount() : 0;
          const status = await send(input);
          if (!refusable) continue;
          expect(status, `${route} broken ${part}: ${JSON.stringify(input).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          await runtime.drain();
          expect(await rowCount(), `${route}: a refusal wrote rows: ${JSON.stringify(input).slice(0, 200)}`).toBe(before);
        }
      }
      if (parts.length === 0) await send({ query: { junk: '\u0000' } });

      // Shaped inputs at the extremes: accepted or refused, never a failure.
      if (name !== 'deleteMe' && parts.length > 0) {
        for (const input of fc.sample(fc.record(valid) as fc.Arbitrary<Input>, { numRuns: RUNS, seed: seed + 1 })) await send(input);
        await runtime.drain();
      }
      expect(runtime.queues.get('normalizeActivity')!.deadLetters, `${route}: a message died`).toEqual([]);
      tried.push({ route, inputs, statuses });
    });
  }
});
