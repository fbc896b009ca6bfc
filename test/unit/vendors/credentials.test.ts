// Vendor settings: Secrets Manager in AWS (read once, placeholders treated as unset, a failed read not
// remembered), the environment outside it.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../../shared/config';
import { resetVendorCredentials, tokenKey, vendorCredentials } from '../../../shared/vendors/credentials';
import { deriveTokenKey } from '../../../shared/vendors/crypto';

const secrets = mockClient(SecretsManagerClient);
const saved = { ...process.env };
const VENDOR_ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:vendor';
const KEY_ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:token-key';

beforeEach(() => {
  secrets.reset();
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
  process.env = { ...saved };
  resetConfig();
  resetVendorCredentials();
});
const configure = (env: Record<string, string>) => {
  Object.assign(process.env, env);
  resetConfig();
  resetVendorCredentials();
};

describe('vendor credentials in AWS', () => {
  it('come from the two secrets, read once; placeholders count as not configured', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN, VENDOR_TOKEN_KEY_SECRET_ARN: KEY_ARN, NODE_ENV: 'production' });
    secrets.on(GetSecretValueCommand, { SecretId: VENDOR_ARN }).resolves({
      SecretString: JSON.stringify({
        stravaClientId: 4711,
        stravaClientSecret: 's3cret',
        stravaVerifyToken: 'verify',
        stravaSubscriptionId: '120475',
        garminConsumerKey: 'placeholder',
      }),
    });
    secrets.on(GetSecretValueCommand, { SecretId: KEY_ARN }).resolves({ SecretString: JSON.stringify({ key: 'k'.repeat(64) }) });
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
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('retry a failed read on the next request instead of remembering the failure', async () => {
    configure({ VENDOR_SECRET_ARN: VENDOR_ARN });
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: JSON.stringify({ stravaVerifyToken: 'verify' }) });
    await expect(vendorCredentials()).rejects.toThrow('throttled');
    expect((await vendorCredentials()).strava.verifyToken).toBe('verify');
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
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
