// Sign-up, sign-in, refresh and sign-out as the app uses them, through the local runtime.
import { afterEach, describe, expect, it } from 'vitest';
import { hashRefreshToken } from '#shared/auth/refresh-tokens';
import { MAX_FAILURES, WINDOW_SECONDS } from '#shared/auth/throttle';
import { setClock } from '#shared/clock';
import type { TokenPair } from '#shared/contracts/auth';
import { useLocalRuntime } from '#test/support/local-runtime';

const local = useLocalRuntime();

afterEach(() => setClock(undefined));

const post = (path: string, body: unknown) =>
  local.fetch(`/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const me = (accessToken: string) => local.fetch(`/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });

let n = 0;
const freshEmail = () => `Runner.${++n}.${Date.now()}@Example.COM`;
const PASSWORD = 'correct horse battery';

async function registered(email = freshEmail()): Promise<TokenPair> {
  const res = await post('/auth/register', { email, password: PASSWORD });
  expect(res.status).toBe(201);
  return (await res.json()) as TokenPair;
}

describe('registration', () => {
  it('creates the account, normalizes the email and signs the user in', async () => {
    const email = `  ${freshEmail()} `;
    const pair = await registered(email);
    expect(pair.user.email).toBe(email.trim().toLowerCase());
    expect(pair.expiresIn).toBe(900);
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await me(pair.accessToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { email: string; settings: { timeZone: string } };
    expect(body.email).toBe(pair.user.email);
    expect(body.settings.timeZone).toBe('UTC');
  });

  it('stores a salted scrypt hash and only the refresh token hash', async () => {
    const pair = await registered();
    const user = await local.db.selectFrom('users').select('password_hash').where('id', '=', pair.user.id).executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    const tokens = await local.db.selectFrom('refresh_tokens').select('token_hash').where('user_id', '=', pair.user.id).execute();
    expect(tokens).toEqual([{ token_hash: hashRefreshToken(pair.refreshToken) }]);
  });

  it('refuses a duplicate email whatever its case (409), a short password and a bad email (422)', async () => {
    const email = freshEmail();
    await registered(email);
    expect((await post('/auth/register', { email: email.toUpperCase(), password: PASSWORD })).status).toBe(409);
    const short = await post('/auth/register', { email: freshEmail(), password: '123456789' });
    expect(short.status).toBe(422);
    expect(((await short.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['body.password']);
    expect((await post('/auth/register', { email: 'not-an-email', password: PASSWORD })).status).toBe(422);
    expect((await post('/auth/register', { email: freshEmail(), password: PASSWORD, admin: true })).status).toBe(422);
  });
});

describe('sign-in', () => {
  it('accepts the right password for the email in any case', async () => {
    const email = freshEmail();
    const { user } = await registered(email);
    const res = await post('/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const pair = (await res.json()) as TokenPair;
    expect(pair.user.id).toBe(user.id);
    expect((await me(pair.accessToken)).status).toBe(200);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const email = freshEmail();
    await registered(email);
    const wrong = await post('/auth/login', { email, password: 'wrong password!' });
    const unknown = await post('/auth/login', { email: freshEmail(), password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined, instance: undefined });
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(strip((await unknown.json()) as Record<string, unknown>));
  });

  it('throttles repeated failures with 429 and Retry-After, even the right password, until the window passes', async () => {
    const email = freshEmail();
    await registered(email);
    const start = new Date();
    setClock({ now: () => start });
    for (let i = 0; i < MAX_FAILURES; i++) expect((await post('/auth/login', { email, password: `guess number ${i}` })).status).toBe(401);
    const throttled = await post('/auth/login', { email, password: PASSWORD });
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);

    setClock({ now: () => new Date(start.getTime() + (WINDOW_SECONDS + 1) * 1000) });
    expect((await post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
    // Success forgives: the count starts again.
    expect((await post('/auth/login', { email, password: 'one more guess' })).status).toBe(401);
    expect((await post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('keeps answering an unknown email with the same 401 (there is no account to lock)', async () => {
    const email = freshEmail();
    for (let i = 0; i <= MAX_FAILURES; i++) expect((await post('/auth/login', { email, password: `guess number ${i}` })).status).toBe(401);
  });

  it('lets at most the allowed number of concurrent guesses reach the password check', async () => {
    const email = freshEmail();
    await registered(email);
    const results = await Promise.all(Array.from({ length: MAX_FAILURES + 4 }, (_, i) => post('/auth/login', { email, password: `parallel ${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use: the new pair works, the old refresh token is spent', async () => {
    const first = await registered();
    const res = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.status).toBe(200);
    const second = (await res.json()) as TokenPair;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toEqual(first.user);
    expect((await me(second.accessToken)).status).toBe(200);
    const third = await post('/auth/refresh', { refreshToken: second.refreshToken });
    expect(third.status).toBe(200);
  });

  it('reused, revoke the whole chain: the thief and the user must both sign in again', async () => {
    const login = await registered();
    const r1 = (await (await post('/auth/refresh', { refreshToken: login.refreshToken })).json()) as TokenPair;
    const r2 = (await (await post('/auth/refresh', { refreshToken: r1.refreshToken })).json()) as TokenPair;
    // Someone replays the first token: refused, and the chain dies with it.
    expect((await post('/auth/refresh', { refreshToken: login.refreshToken })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: r2.refreshToken })).status).toBe(401);
    const rows = await local.db.selectFrom('refresh_tokens').select(['revoked_at']).where('user_id', '=', login.user.id).execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    // Other sessions of the same user are untouched.
    const other = (await (await post('/auth/login', { email: login.user.email, password: PASSWORD })).json()) as TokenPair;
    expect((await post('/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('are refused when unknown, malformed or expired', async () => {
    expect((await post('/auth/refresh', { refreshToken: 'A'.repeat(43) })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: 'short' })).status).toBe(422);
    const pair = await registered();
    setClock({ now: () => new Date(Date.now() + 31 * 86_400_000) });
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
  });

  it('die with logout (204), which also ignores unknown tokens', async () => {
    const pair = await registered();
    const out = await post('/auth/logout', { refreshToken: pair.refreshToken });
    expect(out.status).toBe(204);
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
    expect((await post('/auth/logout', { refreshToken: 'B'.repeat(43) })).status).toBe(204);
  });
});
