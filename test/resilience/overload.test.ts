// Overload answers 503 with Retry-After, never 500: parallel registrations of one email give one 201 and
// 409s; a burst of logins is served or told to retry; password hashing runs a bounded number at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { passwordHashing } from '#shared/auth/passwords';
import { ConcurrencyLimit, Saturated } from '#shared/concurrency';
import { testDb, type TestDb } from '#test/support/db';

let database: TestDb;
let runtime: LocalRuntime;

beforeAll(async () => {
  database = await testDb();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
});
afterAll(async () => {
  await runtime?.close();
  await database?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${runtime.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('under a burst', () => {
  it('20 parallel registrations of one email: one 201 (its creator can sign in), 409 for the rest, no 5xx', async () => {
    const email = `race-${Date.now()}@example.com`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/api/v1/auth/register', { email, password: 'correct-horse-battery' })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 503)).toEqual([]);
    for (const r of answers.filter((a) => a.status === 503)) expect(r.headers.get('retry-after')).toBeTruthy();
    const login = await post('/api/v1/auth/login', { email, password: 'correct-horse-battery' });
    expect(login.status).toBe(200);
  });

  it('30 parallel logins: each is served (200/401) or told to retry (503 + Retry-After); hashing never ran more than its bound', async () => {
    const email = `burst-${Date.now()}@example.com`;
    expect((await post('/api/v1/auth/register', { email, password: 'correct-horse-battery' })).status).toBe(201);
    passwordHashing.peak = 0;
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post('/api/v1/auth/login', { email: i % 2 ? email : `nobody-${i}@example.com`, password: 'correct-horse-battery' })),
    );
    for (const r of answers) {
      expect([200, 401, 429, 503]).toContain(r.status);
      if (r.status === 503) expect(r.headers.get('retry-after')).toBeTruthy();
    }
    expect(passwordHashing.peak).toBeLessThanOrEqual(passwordHashing.maxRunning);
    expect((await post('/api/v1/auth/login', { email, password: 'correct-horse-battery' })).status).toBe(200);
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most maxRunning at once, queues up to maxWaiting, refuses the rest at once', async () => {
    const limit = new ConcurrencyLimit('work', 2, 3);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs = Array.from({ length: 5 }, () => limit.run(() => gate));
    await expect(limit.run(() => gate)).rejects.toBeInstanceOf(Saturated);
    release();
    await Promise.all(runs);
    expect(limit.peak).toBe(2);
    await expect(limit.run(async () => 'again')).resolves.toBe('again');
  });
});
