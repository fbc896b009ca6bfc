// The authorizer guards user routes in the local runtime exactly as in AWS.
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';

const local = useLocalRuntime();

let user: TestUser;

beforeAll(async () => {
  user = await createTestUser(local.db, { time_zone: 'Europe/Paris' });
});

describe('a user route', () => {
  it('is 401 without a token', async () => {
    const res = await local.fetch(`/api/v1/me`);
    expect(res.status).toBe(401);
  });

  it('answers the token holder with their own account', async () => {
    const res = await local.fetch(`/api/v1/me`, { headers: user.headers });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { id: string; email: string; settings: { timeZone: string } };
    expect(me.id).toBe(user.userId);
    expect(me.email).toBe(user.email);
    expect(me.settings.timeZone).toBe('Europe/Paris');
  });
});
