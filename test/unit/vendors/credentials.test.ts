// Vendor settings: Secrets Manager in AWS (read once, placeholders treated as unset, a failed read not
// remembered, read again when the vendor refuses them), the environment outside it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '#shared/config';
import { stravaContext } from '#shared/vendors/strava/client';
import { refreshVendorCredentials, resetVendorCredentials, tokenKey, vendorCredentials } from '#shared/vendors/credentials';
import { deriveTokenKey } from '#shared/vendors/crypto';
import { type FakeSecretsManager, fakeSecretsManager } from '#test/support/secrets-manager';

let secrets: FakeSecretsManager;
const saved = { ...process.env };
const VENDOR_ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:vendor';
const KEY_ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:token-key';

beforeAll(async () => {
  secrets = await fakeSecretsManager();
});
afterAll(() => secrets.close());

beforeEach(() => {
  secrets.requests.length = 0;
  for (const name of [
    'STRAVA_CLIENT_ID',
    'STRAVA_CLIENT_SECRET',
    'STRAVA_VERIFY_TOKEN',
    'STRAVA_SUBSCRIPTION_ID',
    'GARMIN_CONSUMER_KEY',
    'VENDOR_TOKEN_KEY',
    'VENDOR_SECRET_ARN',
    'VENDOR_TOKEN_KEY_SECRET_ARN',
  ])
    delete process.env[name];
});
afterEach(() => {
  secrets.restore();
  process.env = { ...saved };
  resetConfig();
  resetVendorCredentials();
});
const configure = (env: Record<string, string>) => {
  Object.assign(process.env, env);
  secrets.use();
  resetConfig();
  resetVendorCredentials();
};

describe('vendor credentials in AWS', () => {
  it('come from the two secrets, read once; placeholders count as not configured', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN, VENDOR_TOKEN_KEY_SECRET_ARN: KEY_ARN, NODE_ENV: 'production' });
    secrets.put(
      VENDOR_ARN,
      JSON.stringify({
        stravaClientId: 4711,
        stravaClientSecret: 's3cret',
        stravaVerifyToken: 'verify',
        stravaSubscriptionId: '120475',
        garminConsumerKey: 'placeholder',
      }),
    );
    secrets.put(KEY_ARN, JSON.stringify({ key: 'k'.repeat(64) }));
    const credentials = await vendorCredentials();
    expect(credentials.strava).toEqual({
      apiUrl: 'https://www.strava.com',
      clientId: '4711',
      clientSecret: 's3cret',
      verifyToken: 'verify',
      subscriptionId: 120475,
    });
    expect(credentials.garmin.consumerKey).toBeUndefined();
    expect(credentials.tokenKey).toEqual(deriveTokenKey('k'.repeat(64)));
    await vendorCredentials();
    expect(secrets.reads()).toBe(2);
  });

  it('retry a failed read on the next request instead of remembering the failure', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN });
    secrets.put(VENDOR_ARN, JSON.stringify({ stravaVerifyToken: 'verify' }));
    secrets.failNext('ThrottlingException', 400, 2); // the reader's own retry fails too
    await expect(vendorCredentials()).rejects.toThrow('ThrottlingException');
    expect((await vendorCredentials()).strava.verifyToken).toBe('verify');
  });

  it('are read again when a vendor refuses them, so a rotated client secret is picked up at once', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN });
    secrets.put(VENDOR_ARN, JSON.stringify({ stravaClientId: '1', stravaClientSecret: 'before-rotation' }));
    expect((await vendorCredentials()).strava.clientSecret).toBe('before-rotation');
    secrets.put(VENDOR_ARN, JSON.stringify({ stravaClientId: '1', stravaClientSecret: 'after-rotation' }));
    expect((await vendorCredentials()).strava.clientSecret).toBe('before-rotation');
    expect((await refreshVendorCredentials()).strava.clientSecret).toBe('after-rotation');
    expect((await vendorCredentials()).strava.clientSecret).toBe('after-rotation');
    expect(secrets.reads(VENDOR_ARN)).toBe(2);
  });

  it('are what the Strava context reads again when Strava refuses them', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN, VENDOR_TOKEN_KEY: 'k'.repeat(64) });
    secrets.put(VENDOR_ARN, JSON.stringify({ stravaClientId: '1', stravaClientSecret: 'before-rotation' }));
    const ctx = await stravaContext();
    expect(ctx.client.clientSecret).toBe('before-rotation');
    secrets.put(VENDOR_ARN, JSON.stringify({ stravaClientId: '1', stravaClientSecret: 'after-rotation' }));
    expect(await ctx.reloadClient?.()).toEqual({ clientId: '1', clientSecret: 'after-rotation' });
    // Credentials a caller fixes are never replaced.
    expect((await stravaContext({ client: { clientId: '2', clientSecret: 'fixed' } })).reloadClient).toBeUndefined();
  });
});

describe('vendor credentials outside AWS', () => {
  it('come from the environment, with a development token key only outside production', async () => {
    configure({ STRAVA_VERIFY_TOKEN: 'STRAVA', STRAVA_SUBSCRIPTION_ID: '9', STRAVA_API_URL: 'http://127.0.0.1:9999/', NODE_ENV: 'development' });
    const credentials = await vendorCredentials();
    expect(credentials.strava).toMatchObject({ verifyToken: 'STRAVA', subscriptionId: 9, apiUrl: 'http://127.0.0.1:9999' });
    expect(await tokenKey()).toHaveLength(32);
    configure({ NODE_ENV: 'production' });
    await expect(tokenKey()).rejects.toThrow(/not configured/);
    expect(secrets.reads()).toBe(0);
  });
});
