// What every answer carries, from a handler or from the gateway itself (the local runtime sends what
// API Gateway's responses send), and the bearer scheme read case-insensitively (RFC 9110 §11.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { GATEWAY_PROBLEMS } from '#lib/aws/problem-responses';
import { functions } from '#lib/topology';
import { createTestUser, type TestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';

let database: TestDb;
let runtime: LocalRuntime;
let alice: TestUser;

beforeAll(async () => {
  database = await testDb();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
  alice = await createTestUser(database.db);
});
afterAll(async () => {
  await runtime?.close();
  await database?.close();
});

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
  expect(res.headers.get('cache-control')).toBe('no-store');
}

describe('response headers', () => {
  it('an authenticated answer: nosniff, HSTS, no-store', async () => {
    const res = await fetch(`${runtime.url}/api/v1/me`, { headers: alice.headers });
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  it('a handler problem, a public answer and the gateway 404 carry them too', async () => {
    for (const res of [
      await fetch(`${runtime.url}/api/v1/activities/not-a-uuid`, { headers: alice.headers }),
      await fetch(`${runtime.url}/api/v1/health`),
      await fetch(`${runtime.url}/api/v1/no-such-route`),
    ]) {
      expectSecurityHeaders(res);
    }
  });

  it("the local runtime's own 401 says WWW-Authenticate: Bearer, as API Gateway's does", async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }] as Array<Record<string, string>>) {
      const res = await fetch(`${runtime.url}/api/v1/me`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expectSecurityHeaders(res);
    }
    const gateway = GATEWAY_PROBLEMS.find((p) => p.type.responseType === 'UNAUTHORIZED');
    expect(gateway?.headers).toMatchObject({ 'WWW-Authenticate': 'Bearer' });
  });

  it("API Gateway's own responses are declared with the same security headers", () => {
    const authorizerFailure = GATEWAY_PROBLEMS.find((p) => p.type.responseType === 'AUTHORIZER_FAILURE');
    expect(authorizerFailure).toMatchObject({ status: 503, headers: { 'Retry-After': expect.any(String) } });
  });
});

describe('the bearer scheme is case-insensitive', () => {
  for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
    it(`"${scheme} <token>" is accepted`, async () => {
      const res = await fetch(`${runtime.url}/api/v1/me`, { headers: { authorization: `${scheme} ${alice.accessToken}` } });
      expect(res.status).toBe(200);
    });
  }
});
