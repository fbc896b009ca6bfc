// How functions log in to Aurora in AWS: through the proxy with a freshly signed IAM token per connection
// (no password exists), and the migration with the owner secret, fetched again when a rotation made the
// cached one stale.
import type pg from 'pg';
import { Signer } from '@aws-sdk/rds-signer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { poolWithIamAuth } from '#shared/db/connection';
import { credentialsFromEnv, iamAuthToken } from '#shared/db/iam-token';
import { ownerCredentials, retryOnInvalidPassword } from '#shared/db/owner-connection';
import { APP_DB_USER } from '#shared/db/roles';
import { SecretReader, secretsManagerStore } from '#shared/secrets';
import { type FakeSecretsManager, fakeSecretsManager } from '#test/support/secrets-manager';

const endpoint = { host: 'proxy.example.eu-west-1.rds.amazonaws.com', port: 5432, database: 'running_coach', user: APP_DB_USER, region: 'eu-west-1' };

describe('the IAM path through the RDS Proxy', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('connects as the application role over verified TLS, with no password but a signed rds-db:connect token', async () => {
    const pool = poolWithIamAuth(endpoint, 2);
    const options = (pool as unknown as { options: pg.PoolConfig }).options;
    expect(options).toMatchObject({ host: endpoint.host, port: 5432, user: APP_DB_USER, database: 'running_coach', max: 2, ssl: { rejectUnauthorized: true } });
    expect(typeof options.password).toBe('function');
    const token = await (options.password as () => Promise<string>)();
    expect(token.startsWith(`${endpoint.host}:5432/?`)).toBe(true);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe(APP_DB_USER);
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    await pool.end();
  });
});

describe('the IAM token', () => {
  afterEach(() => void vi.useRealTimers());

  it.each([
    [
      'with a session token (Lambda)',
      { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3Jp/Z2lu+X2Vj=' },
    ],
    ['without one', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/with+signs=' }],
  ])('is exactly what @aws-sdk/rds-signer presigns for the same credentials and time, %s', async (_label, credentials) => {
    vi.useFakeTimers({ now: new Date('2026-01-31T12:34:56Z'), toFake: ['Date'] });
    const signer = new Signer({ hostname: endpoint.host, port: endpoint.port, username: endpoint.user, region: endpoint.region, credentials });
    expect(iamAuthToken(endpoint, credentials, new Date())).toBe(await signer.getAuthToken());
  });

  it('takes the credentials Lambda puts in the environment, and refuses to sign without them', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 'c' })).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: 'c',
    });
    expect(() => credentialsFromEnv({})).toThrow(/AWS_ACCESS_KEY_ID/);
  });
});

describe('the owner secret of the migration', () => {
  let secrets: FakeSecretsManager;
  beforeAll(async () => {
    secrets = await fakeSecretsManager();
  });
  afterAll(() => secrets.close());
  afterEach(() => {
    secrets.requests.length = 0;
  });
  // A fresh container's reader, reading from the stand-in for Secrets Manager.
  const reader = () =>
    new SecretReader(() =>
      secretsManagerStore({ region: 'eu-west-1', endpoint: secrets.url, credentials: () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }) }),
    );

  const putSecretWith = (password: string) =>
    secrets.put('arn:owner', JSON.stringify({ host: 'writer', port: 5432, username: 'coach_admin', password, dbname: 'running_coach' }));

  it('is fetched once and reused while it works', async () => {
    putSecretWith('first');
    const credentials = ownerCredentials('arn:owner', reader());
    expect((await credentials.get()).password).toBe('first');
    expect((await credentials.get()).password).toBe('first');
    expect(secrets.reads()).toBe(1);
  });

  it('is fetched again when PostgreSQL refuses its password (the secret rotated), and the connect is retried once', async () => {
    putSecretWith('before-rotation');
    const credentials = ownerCredentials('arn:owner', reader());
    await credentials.get(); // cached by this container
    putSecretWith('after-rotation');
    const used: string[] = [];
    const fakePool = {
      async connect() {
        const { password } = await credentials.get();
        used.push(password);
        if (password === 'before-rotation') throw Object.assign(new Error('password authentication failed'), { code: '28P01' });
        return { release() {} } as unknown as pg.PoolClient;
      },
    } as unknown as pg.Pool;
    const pool = retryOnInvalidPassword(fakePool, credentials.invalidate);
    await pool.connect();
    expect(used).toEqual(['before-rotation', 'after-rotation']);
    expect(secrets.reads()).toBe(2);
  });

  it('does not retry other connection errors', async () => {
    putSecretWith('pw');
    const credentials = ownerCredentials('arn:owner', reader());
    let attempts = 0;
    const fakePool = {
      async connect() {
        attempts++;
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      },
    } as unknown as pg.Pool;
    await expect(retryOnInvalidPassword(fakePool, credentials.invalidate).connect()).rejects.toThrow('connection refused');
    expect(attempts).toBe(1);
  });
});
