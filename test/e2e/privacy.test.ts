// The user's privacy rights end to end: everything stored about them comes out in the export, and after
// erasure nothing of them is left in any table or session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_SECTIONS, NESTED_TABLES } from '#shared/account/export';
import { InMemoryCache, setCacheClient } from '#shared/cache/client';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';
import { fingerprint, rowsOf, seedEverything, tablesWithUserId, type SeededResources } from '#test/support/seed';

const local = useLocalRuntime();

const cache = new InMemoryCache();

beforeAll(async () => {
  setCacheClient(cache);
});
afterAll(async () => {
  setCacheClient(undefined);
});

async function seededUser(): Promise<TestUser & { seed: SeededResources }> {
  const user = await createTestUser(local.db);
  return { ...user, seed: await seedEverything(local.db, user.userId) };
}

type Doc = Record<string, unknown> & { account: Record<string, unknown> };

describe('GET /me/export', () => {
  it('streams every table that holds user data, as one JSON document', async () => {
    const user = await seededUser();
    const res = await local.fetch(`/api/v1/me/export`, { headers: user.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="running-coach-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const doc = (await res.json()) as Doc;

    expect(doc.format).toBe('running-coach-export/1');
    expect(doc.account).toMatchObject({ id: user.userId, email: user.email, timeZone: 'UTC' });
    for (const section of EXPORT_SECTIONS) {
      expect(doc[section.name], section.name).toBeInstanceOf(Array);
      expect((doc[section.name] as unknown[]).length, `${section.name} is empty`).toBeGreaterThan(0);
    }
    const [activity] = doc.activities as Array<Record<string, unknown> & { samples: Array<Record<string, unknown>> }>;
    expect(activity).toMatchObject({
      id: user.seed.activityId,
      notes: `notes ${user.seed.marker}`,
      durationMinutes: 45,
      startTime: '2026-03-09T06:30:00.000Z',
    });
    expect(activity!.samples).toEqual([
      { offsetSeconds: 0, hr: 140, speedMps: 3.2, cadence: null, powerW: null },
      { offsetSeconds: 60, hr: 141, speedMps: 3.2, cadence: null, powerW: null },
      { offsetSeconds: 120, hr: 142, speedMps: 3.2, cadence: null, powerW: null },
    ]);
    expect(doc.vendorConnections).toEqual([expect.objectContaining({ vendor: 'strava', vendorUserId: user.seed.vendorUserId })]);
  });

  it('withholds secrets: password hash, token hashes, sealed vendor tokens', async () => {
    const user = await seededUser();
    const text = await (await local.fetch(`/api/v1/me/export`, { headers: user.headers })).text();
    for (const secret of ['passwordHash', 'tokenHash', 'Ciphertext', 'sealed-access', 'sealed-refresh', 'test-user-without-password', user.seed.refreshToken]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('"userId"');
  });

  it('sends the CORS, security headers and request id every route sends, and lets a browser read the file name', async () => {
    const user = await createTestUser(local.db);
    const exported = await local.fetch(`/api/v1/me/export`, { headers: user.headers });
    const me = await local.fetch(`/api/v1/me`, { headers: user.headers });
    await exported.text();
    expect(me.status).toBe(200);
    expect(exported.headers.get('access-control-expose-headers')).toBe(me.headers.get('access-control-expose-headers'));
    expect(exported.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
    for (const name of ['access-control-allow-origin', 'x-content-type-options', 'strict-transport-security', 'cache-control']) {
      expect(exported.headers.get(name), name).toBe(me.headers.get(name));
    }
    expect(exported.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(exported.headers.get('x-request-id')).not.toBe(me.headers.get('x-request-id'));
  });

  it('covers every table with a user_id (a new table must be added to a section)', async () => {
    const covered = new Set<string>([...EXPORT_SECTIONS.map((s) => s.table), ...NESTED_TABLES]);
    const missing = (await tablesWithUserId(local.db)).filter((t) => !covered.has(t));
    expect(missing, 'add these tables to EXPORT_SECTIONS in shared/account/export.ts').toEqual([]);
  });
});

describe('DELETE /me', () => {
  it('leaves no row of the user in any table that has a user reference, and spares everyone else', async () => {
    const user = await seededUser();
    const bystander = await seededUser();
    const before = await fingerprint(local.db, bystander.userId);

    const tables = await tablesWithUserId(local.db);
    for (const table of tables) expect(await rowsOf(local.db, table, user.userId), `${table} was seeded`).toBeGreaterThan(0);

    const res = await local.fetch(`/api/v1/me`, { method: 'DELETE', headers: user.headers });
    expect(res.status).toBe(204);

    for (const table of tables) expect(await rowsOf(local.db, table, user.userId), table).toBe(0);
    expect(await local.db.selectFrom('users').select('id').where('id', '=', user.userId).execute()).toEqual([]);
    expect(await fingerprint(local.db, bystander.userId)).toBe(before);
  });

  it('ends every session at once: access tokens and refresh tokens stop working', async () => {
    const user = await seededUser();
    expect((await local.fetch(`/api/v1/me`, { method: 'DELETE', headers: user.headers })).status).toBe(204);
    expect((await local.fetch(`/api/v1/me`, { headers: user.headers })).status).toBe(401);
    expect((await local.fetch(`/api/v1/me/export`, { headers: user.headers })).status).toBe(401);
    const refresh = await local.fetch(`/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: user.seed.refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });

  it('leaves the cache alone: it holds webhook idempotency records keyed by vendor event, nothing per user', async () => {
    const user = await seededUser();
    await cache.set('rc:webhook#some-event', 'completed');
    expect((await local.fetch(`/api/v1/me`, { method: 'DELETE', headers: user.headers })).status).toBe(204);
    expect(await cache.get('rc:webhook#some-event')).toBe('completed');
  });

  it('frees the email address for a new account', async () => {
    const user = await createTestUser(local.db);
    await local.fetch(`/api/v1/me`, { method: 'DELETE', headers: user.headers });
    const res = await local.fetch(`/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'a brand new password' }),
    });
    expect(res.status).toBe(201);
  });
});
