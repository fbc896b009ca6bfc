// Vendor links against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL) and a fake Strava:
// tokens sealed at rest, refreshed when expired (once, under concurrency), rate limits surfaced as
// RateLimited, and revocations that cannot undo a newer connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveTokenKey } from '#shared/vendors/crypto';
import {
  VendorAccountTaken,
  VendorDisconnected,
  getStravaAccessToken,
  linkVendorAccount,
  resolveVendorUser,
  resolveVendorUsers,
  revokeVendorAccess,
  unlinkVendor,
  updateVendorScopes,
} from '#shared/vendors/connections';
import { connectGarmin, connectStrava, disconnectVendor } from '#shared/vendors/integrations';
import { claimCheckReader, stravaActivities, vendorConnections } from '#shared/vendors/adapters';
import { InMemoryClaimCheckStore } from '#shared/events/claim-check';
import { RateLimited } from '#shared/vendors/strava/api';
import { vendorFailureAction, type StravaContext } from '#shared/vendors/strava/client';
import { systemClock } from '#shared/clock';
import { testDb, type TestDb } from '#test/support/db';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';

const key = deriveTokenKey('test-vendor-token-key-0123456789abcdef0123456789');
let t: TestDb;
let strava: FakeStrava;
let ctx: StravaContext;

const newUser = async () =>
  (
    await t.db
      .insertInto('users')
      .values({ email: `u-${Math.random().toString(36).slice(2)}@example.com`, password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
const row = (userId: string, vendor: 'strava' | 'garmin') =>
  t.db.selectFrom('vendor_connections').selectAll().where('user_id', '=', userId).where('vendor', '=', vendor).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await testDb();
  strava = await startFakeStrava({ athleteId: 134815 });
  ctx = { http: { baseUrl: strava.url }, client: { clientId: '4711', clientSecret: 'fake-client-secret' }, key };
});
afterAll(async () => {
  await strava?.close();
  await t?.close();
});

describe('connecting Strava', () => {
  it('exchanges the code, seals the tokens and maps the athlete to the user', async () => {
    const userId = await newUser();
    const view = await connectStrava(t.db, userId, { code: strava.issueCode(), scope: 'read,activity:read_all' }, new Date(), ctx);
    expect(view).toMatchObject({ vendor: 'strava', vendorUserId: '134815', status: 'connected', scopes: ['read', 'activity:read_all'] });
    const stored = await row(userId, 'strava');
    expect(stored.access_token_ciphertext).toMatch(/^v1\./);
    expect(stored.access_token_ciphertext).not.toContain('access-');
    expect(stored.refresh_token_ciphertext).toMatch(/^v1\./);
    expect(stored.expires_at!.getTime()).toBeGreaterThan(Date.now());
    expect((await resolveVendorUser(t.db, 'strava', '134815'))?.userId).toBe(userId);

    // A second user cannot take a connected athlete.
    await expect(connectStrava(t.db, await newUser(), { code: strava.issueCode() }, new Date(), ctx)).rejects.toMatchObject({ kind: 'conflict' });
    // A refused code is the user's problem (400), not ours.
    await expect(connectStrava(t.db, userId, { code: 'never-issued' }, new Date(), ctx)).rejects.toMatchObject({ kind: 'invalid_input' });
    // Consent without activity access would connect an account that never syncs.
    await expect(connectStrava(t.db, userId, { code: strava.issueCode(), scope: 'read' }, new Date(), ctx)).rejects.toMatchObject({ kind: 'unprocessable' });

    await disconnectVendor(t.db, userId, 'strava', new Date(), ctx);
    const erased = await row(userId, 'strava');
    expect(erased).toMatchObject({ status: 'disconnected', access_token_ciphertext: null, refresh_token_ciphertext: null });
    expect(strava.deauthorized).toHaveLength(1);
    expect(await resolveVendorUser(t.db, 'strava', '134815')).toBeNull();
    // Disconnecting again changes nothing.
    await disconnectVendor(t.db, userId, 'strava', new Date(), ctx);
  });
});

describe('Strava tokens and activities', () => {
  let userId: string;
  /** The worker's port: the activity as the athlete linked under `vendorUserId`, null when Strava no longer shows it. */
  const fetchAs = (vendorUserId: string, activityId: string) =>
    stravaActivities(t.db, systemClock, ctx).fetchActivity({ id: 'x', userId, vendor: 'strava', vendorUserId }, activityId);
  beforeAll(async () => {
    userId = await newUser();
    // An expired access token and a refresh token the fake issued.
    const tokens = await fetch(`${strava.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: '4711', client_secret: 'fake-client-secret', grant_type: 'authorization_code', code: strava.issueCode() }),
    }).then((r) => r.json() as Promise<{ refresh_token: string }>);
    await linkVendorAccount(
      t.db,
      { userId, vendor: 'strava', vendorUserId: '777', accessToken: 'stale', refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() - 1000) },
      key,
      new Date(),
    );
  });

  it('refreshes an expired token once, even when several workers ask at the same time, and keeps the rotated one', async () => {
    const before = strava.refreshCount();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => getStravaAccessToken(t.db, { vendorUserId: '777' }, { ...ctx, now: new Date() })));
    expect(new Set(tokens).size).toBe(1);
    expect(strava.refreshCount() - before).toBe(1);
    expect((await row(userId, 'strava')).expires_at!.getTime()).toBeGreaterThan(Date.now());
    // Fresh now: no further refresh.
    await getStravaAccessToken(t.db, { vendorUserId: '777' }, { ...ctx, now: new Date() });
    expect(strava.refreshCount() - before).toBe(1);
  });

  it('fetches the activity as the athlete; a deleted one is null', async () => {
    const activity = await fetchAs('777', '11472130281');
    expect(activity).toMatchObject({ id: 11472130281, sport_type: 'Run', elapsed_time: 3391 });
    expect(await fetchAs('777', '1')).toBeNull();
  });

  it('refreshes and retries once when Strava refuses a token it issued', async () => {
    strava.expireAccessTokens();
    const before = strava.refreshCount();
    expect(
      await stravaActivities(t.db, systemClock, ctx).fetchActivity({ id: 'x', userId, vendor: 'strava', vendorUserId: '777' }, '11472130999'),
    ).toMatchObject({
      manual: true,
    });
    expect(strava.refreshCount() - before).toBe(1);
  });

  it('turns a 429 into RateLimited until the 15-minute window resets, which the worker waits out', async () => {
    strava.rateLimitNext(1, '201,1500');
    const error = await fetchAs('777', '11472130281').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    const seconds = (error as RateLimited).retryAfterSeconds;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    expect(vendorFailureAction(error)).toEqual({ action: 'retry-later', delaySeconds: seconds });
    // A spent daily budget waits for midnight UTC.
    strava.rateLimitNext(1, '10,2000');
    const daily = (await fetchAs('777', '11472130281').catch((e: unknown) => e)) as RateLimited;
    expect(daily.retryAfterSeconds).toBeGreaterThan(0);
    expect(daily.retryAfterSeconds).toBeLessThanOrEqual(24 * 3600);
  });

  it('drops work for a link that no longer exists', async () => {
    const error = await fetchAs('nobody', '11472130281').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorDisconnected);
    expect(vendorFailureAction(error)).toMatchObject({ action: 'drop' });
  });
});

describe('a rotated Strava client secret', () => {
  let rotated: FakeStrava;
  beforeAll(async () => {
    // Strava already holds the new secret; the function still has the old one in memory.
    rotated = await startFakeStrava({ athleteId: 424242, clientSecret: 'rotated-client-secret' });
  });
  afterAll(() => rotated?.close());

  const stale = (reloaded: string[]) => ({
    http: { baseUrl: rotated.url },
    client: { clientId: '4711', clientSecret: 'fake-client-secret' },
    key,
    reloadClient: async () => {
      reloaded.push('read');
      return { clientId: '4711', clientSecret: 'rotated-client-secret' };
    },
  });

  it('is read again when Strava refuses the old one, for a connection and for a token refresh, once each', async () => {
    const reloaded: string[] = [];
    const userId = await newUser();
    const view = await connectStrava(t.db, userId, { code: rotated.issueCode(), scope: 'read,activity:read_all' }, new Date(), stale(reloaded));
    expect(view).toMatchObject({ vendorUserId: '424242', status: 'connected' });
    expect(reloaded).toHaveLength(1);

    await t.db
      .updateTable('vendor_connections')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', userId)
      .execute();
    const before = rotated.refreshCount();
    await getStravaAccessToken(t.db, { vendorUserId: '424242' }, { ...stale(reloaded), now: new Date() });
    expect(rotated.refreshCount() - before).toBe(1);
    expect(reloaded).toHaveLength(2);
  });

  it('fails as before when the secret read again is the same one, after a single read', async () => {
    const reloaded: string[] = [];
    const same = {
      ...stale(reloaded),
      reloadClient: async () => {
        reloaded.push('read');
        return { clientId: '4711', clientSecret: 'fake-client-secret' };
      },
    };
    await expect(connectStrava(t.db, await newUser(), { code: rotated.issueCode(), scope: 'read,activity:read_all' }, new Date(), same)).rejects.toThrow();
    expect(reloaded).toHaveLength(1);
    // Without a way to read it again (credentials fixed by the caller), nothing is retried.
    await expect(
      connectStrava(t.db, await newUser(), { code: rotated.issueCode(), scope: 'read,activity:read_all' }, new Date(), { ...same, reloadClient: undefined }),
    ).rejects.toThrow();
    expect(reloaded).toHaveLength(1);
  });
});

describe('Garmin links', () => {
  it('accept pushes only with the token the link was made with', async () => {
    const userId = await newUser();
    await connectGarmin(
      t.db,
      userId,
      { garminUserId: '4aacafe82427c251df9c9592d0c06768', userAccessToken: '8f57a6f1-26ba-4b05-a7cd-c6b525a4c7a2' },
      new Date(),
      key,
    );
    const ports = vendorConnections(t.db, systemClock);
    const found = await resolveVendorUsers(t.db, 'garmin', ['4aacafe82427c251df9c9592d0c06768', 'unknown'], {
      userAccessTokens: new Map([['4aacafe82427c251df9c9592d0c06768', '8f57a6f1-26ba-4b05-a7cd-c6b525a4c7a2']]),
      key,
    });
    expect([...found.keys()]).toEqual(['4aacafe82427c251df9c9592d0c06768']);
    expect(await resolveVendorUser(t.db, 'garmin', '4aacafe82427c251df9c9592d0c06768', { userAccessToken: 'someone-elses', key })).toBeNull();

    await ports.updateScopes('garmin', '4aacafe82427c251df9c9592d0c06768', ['ACTIVITY_EXPORT'], new Date());
    expect((await row(userId, 'garmin')).scopes).toEqual(['ACTIVITY_EXPORT']);
  });

  it('a push that names a linked Garmin user without their access token (a forgery on the public webhook) reaches nobody', async () => {
    const userId = await newUser();
    const garminUserId = `g-${Math.random().toString(36).slice(2)}`;
    await connectGarmin(t.db, userId, { garminUserId, userAccessToken: 'the-real-token' }, new Date(), key);
    const links = await vendorConnections(t.db, systemClock).resolve('garmin', [{ vendorUserId: garminUserId }]);
    expect(links.size).toBe(0);
  });

  it('a deregistration forgets the link, but one older than a reconnection changes nothing', async () => {
    const userId = await newUser();
    const garminUserId = `g-${Math.random().toString(36).slice(2)}`;
    const link = await linkVendorAccount(t.db, { userId, vendor: 'garmin', vendorUserId: garminUserId, accessToken: 'uat' }, key, new Date());
    const stale = new Date(link.connectedAt.getTime() - 60_000);
    expect(await revokeVendorAccess(t.db, 'garmin', garminUserId, stale, new Date())).toBeNull();
    expect((await row(userId, 'garmin')).status).toBe('connected');
    await vendorConnections(t.db, systemClock).revoke('garmin', garminUserId, new Date(Date.now() + 1000));
    expect(await row(userId, 'garmin')).toMatchObject({ status: 'disconnected', access_token_ciphertext: null });
    expect(await updateVendorScopes(t.db, 'garmin', garminUserId, [], new Date())).toBe(false);

    // Another user may now link the same Garmin account; the disconnected link gives way.
    const other = await newUser();
    await linkVendorAccount(t.db, { userId: other, vendor: 'garmin', vendorUserId: garminUserId, accessToken: 'uat2' }, key, new Date());
    expect((await resolveVendorUser(t.db, 'garmin', garminUserId))?.userId).toBe(other);
    await expect(
      linkVendorAccount(t.db, { userId, vendor: 'garmin', vendorUserId: garminUserId, accessToken: 'uat3' }, key, new Date()),
    ).rejects.toBeInstanceOf(VendorAccountTaken);
    expect(await unlinkVendor(t.db, other, 'garmin', new Date())).toBe(true);
    expect(await unlinkVendor(t.db, other, 'garmin', new Date())).toBe(false);
  });
});

describe('the claim-check reader port', () => {
  it('reads what the webhook stored', async () => {
    const store = new InMemoryClaimCheckStore();
    const pointer = await store.put('activity-received/garmin/k.json', '{"dailies":[]}');
    expect(await claimCheckReader(store).read(pointer)).toEqual({ dailies: [] });
  });
});
