// A database outage answers quickly with a retryable 503 (problem+json, Retry-After) on every path: public
// routes, the authorizer and login; /health names the dependency that is down; `npm start` says so in
// one line. The runtime starts on a working database, then the handle every function uses is swapped.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { createDb, setDb, type Db } from '#shared/db/connection';
import { createTestUser, type TestUser } from '#test/support/auth';
import { blackHole, closedPort, type BlackHole } from '#test/support/dead-db';
import { testDb, type TestDb } from '#test/support/db';

let database: TestDb;
let runtime: LocalRuntime;
let alice: TestUser;
let hole: BlackHole;
const dead: Db[] = [];

beforeAll(async () => {
  database = await testDb();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
  alice = await createTestUser(database.db);
  hole = await blackHole();
});
afterAll(async () => {
  setDb(database.db);
  await runtime?.close();
  await Promise.all(dead.map((db) => db.destroy().catch(() => undefined)));
  await hole?.close();
  await database?.close();
});

function useDeadDb(port: number): void {
  const db = createDb({ url: `postgres://postgres@127.0.0.1:${port}/gone`, connectTimeoutMs: 300 });
  dead.push(db);
  setDb(db);
}

async function expectRetryable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await res.json()) as { status: number; detail: string };
  expect(body.status).toBe(503);
  return body;
}

const routes = (token: string) =>
  [
    ['health', () => fetch(`${runtime.url}/api/v1/health`)],
    ['an authenticated route (authorizer path)', () => fetch(`${runtime.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })],
    [
      'login',
      () =>
        fetch(`${runtime.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'someone@example.com', password: 'a-long-password' }),
        }),
    ],
  ] as const;

describe('the database refuses connections', () => {
  it('answers 503 with Retry-After on health, the authorizer path and login; /health names the database', async () => {
    useDeadDb(await closedPort());
    for (const [name, call] of routes(alice.accessToken)) {
      const body = await expectRetryable(await call());
      if (name === 'health') expect(body.detail).toMatch(/^db: down/);
    }
  });
});

describe('the database accepts TCP and never answers', () => {
  it('gives up after the connect timeout and answers 503, not a 500 or a gateway timeout', async () => {
    useDeadDb(hole.port);
    for (const [, call] of routes(alice.accessToken)) await expectRetryable(await call());
  });
});

describe('the database comes back', () => {
  it('the same process answers 200 again', async () => {
    setDb(database.db);
    const res = await fetch(`${runtime.url}/api/v1/health`);
    expect(res.status).toBe(200);
  });
});

describe('npm start with DATABASE_URL on a closed port', () => {
  it('exits 1 with one clear line', async () => {
    const port = await closedPort();
    const run = promisify(execFile)('npx', ['tsx', 'bin/local.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`, PORT: '0', NODE_ENV: 'development' },
    });
    const failure = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | undefined;
    expect(failure?.code).toBe(1);
    const lines = failure!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach the database at 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
