// The authorizer guards user routes in the local runtime exactly as in AWS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime';
import { functions } from '../../lib/topology';
import { createTestUser, type TestUser } from '../support/auth';
import { testDb, type TestDb } from '../support/db';

let database: TestDb;
let runtime: LocalRuntime;
let user: TestUser;

beforeAll(async () => {
  database = await testDb();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
  user = await createTestUser(database.db, { time_zone: 'Europe/Paris' });
});
afterAll(async () => {
  await runtime?.close();
  await database?.close();
});

describe('a user route', () => {
  it('is 401 without a token', async () => {
    const res = await fetch(`${runtime.url}/api/v1/me`);
    expect(res.status).toBe(401);
  });

  it('answers the token holder with their own account', async () => {
    const res = await fetch(`${runtime.url}/api/v1/me`, { headers: user.headers });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { id: string; email: string; settings: { timeZone: string } };
    expect(me.id).toBe(user.userId);
    expect(me.email).toBe(user.email);
    expect(me.settings.timeZone).toBe('Europe/Paris');
  });
});
