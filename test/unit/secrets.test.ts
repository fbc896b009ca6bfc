// The one secret reader (shared/secrets.ts): what it asks of Secrets Manager, what it keeps and for how long,
// and that a rotated secret is read again as soon as the old value fails. A local stand-in answers for
// Secrets Manager (test/support/secrets-manager.ts); AWS is never called.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_FLOOR_MS, SECRET_TTL_MS, SecretReader, SecretReadFailed, secretsManagerStore } from '#shared/secrets';
import { type FakeSecretsManager, fakeSecretsManager } from '#test/support/secrets-manager';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:owner-AbCdEf';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token/with+chars=' };
let fake: FakeSecretsManager;

beforeAll(async () => {
  fake = await fakeSecretsManager();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.requests.length = 0;
});

function reader(clock = { now: 1_000_000 }) {
  const store = secretsManagerStore({ region: 'eu-west-1', endpoint: fake.url, credentials: () => credentials });
  return {
    reader: new SecretReader(
      () => store,
      () => clock.now,
    ),
    clock,
  };
}

describe('a read from Secrets Manager', () => {
  it('is a signed GetSecretValue', async () => {
    fake.put(ARN, 'v');
    await reader().reader.get(ARN);
    expect(String(fake.requests[0]!.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, /,
    );
  });

  it('sends the session token and answers the SecretString', async () => {
    fake.put(ARN, '{"password":"p"}');
    expect(await reader().reader.get(ARN)).toBe('{"password":"p"}');
    expect(fake.requests[0]!.headers['x-amz-security-token']).toBe(credentials.sessionToken);
  });

  it('names the error type of a refusal, and does not retry it', async () => {
    await expect(reader().reader.get('arn:missing')).rejects.toMatchObject({ name: 'SecretReadFailed', errorType: 'ResourceNotFoundException', status: 400 });
    expect(fake.reads('arn:missing')).toBe(1);
  });

  it('retries once after throttling or a server error', async () => {
    fake.put(ARN, 'v');
    fake.failNext('ThrottlingException', 400);
    expect(await reader().reader.get(ARN)).toBe('v');
    fake.failNext('InternalServiceError', 500, 2);
    await expect(reader().reader.get(ARN)).rejects.toBeInstanceOf(SecretReadFailed);
    expect(fake.reads(ARN)).toBe(4);
  });
});

describe('the secret reader', () => {
  it(`reads a secret once and keeps it for ${SECRET_TTL_MS / 60_000} minutes, then reads it again`, async () => {
    fake.put(ARN, 'v1');
    const { reader: r, clock } = reader();
    expect(await Promise.all([r.get(ARN), r.get(ARN)])).toEqual(['v1', 'v1']);
    clock.now += SECRET_TTL_MS - 1;
    fake.put(ARN, 'v2');
    expect(await r.get(ARN)).toBe('v1');
    expect(fake.reads(ARN)).toBe(1);
    clock.now += 1;
    expect(await r.get(ARN)).toBe('v2');
    expect(fake.reads(ARN)).toBe(2);
  });

  it('does not remember a failed read: the next use tries again', async () => {
    fake.put(ARN, 'v');
    fake.failNext('AccessDeniedException', 400);
    const { reader: r } = reader();
    await expect(r.get(ARN)).rejects.toThrow('AccessDeniedException');
    expect(await r.get(ARN)).toBe('v');
  });

  it('reads a rotated secret again when the old value fails, and runs the work once more with the new one', async () => {
    fake.put(ARN, 'before-rotation');
    const { reader: r } = reader();
    expect(await r.get(ARN)).toBe('before-rotation');
    fake.put(ARN, 'after-rotation'); // rotated while this container kept the old value
    const tried: string[] = [];
    const stale = new Error('password authentication failed');
    const result = await r.use(
      ARN,
      async (secret) => {
        tried.push(secret);
        if (secret === 'before-rotation') throw stale;
        return 'connected';
      },
      (error) => error === stale,
    );
    expect(result).toBe('connected');
    expect(tried).toEqual(['before-rotation', 'after-rotation']);
    expect(await r.get(ARN)).toBe('after-rotation');
    expect(fake.reads(ARN)).toBe(2);
  });

  it('does not refresh for failures it was not told are stale', async () => {
    fake.put(ARN, 'v');
    const { reader: r } = reader();
    await expect(
      r.use(
        ARN,
        async () => {
          throw new Error('connection refused');
        },
        () => false,
      ),
    ).rejects.toThrow('connection refused');
    expect(fake.reads(ARN)).toBe(1);
  });

  it(`refreshes at most once per ${REFRESH_FLOOR_MS / 1000} s, however many uses find the value stale`, async () => {
    fake.put(ARN, 'v1');
    const { reader: r, clock } = reader();
    await r.get(ARN);
    fake.put(ARN, 'v2');
    expect(await Promise.all([r.refresh(ARN), r.refresh(ARN)])).toEqual(['v2', 'v2']);
    fake.put(ARN, 'v3');
    clock.now += REFRESH_FLOOR_MS - 1;
    expect(await r.refresh(ARN)).toBe('v2');
    expect(fake.reads(ARN)).toBe(2);
    clock.now += 1;
    expect(await r.refresh(ARN)).toBe('v3');
    expect(fake.reads(ARN)).toBe(3);
  });

  it('keeps the last good value when a refresh fails, and counts the failure against the floor', async () => {
    fake.put(ARN, 'v1');
    const { reader: r, clock } = reader();
    await r.get(ARN);
    fake.failNext('AccessDeniedException', 400);
    await expect(r.refresh(ARN)).rejects.toThrow('AccessDeniedException');
    expect(await r.get(ARN)).toBe('v1');
    expect(await r.refresh(ARN)).toBe('v1');
    expect(fake.reads(ARN)).toBe(2);
    clock.now += REFRESH_FLOOR_MS;
    fake.put(ARN, 'v2');
    expect(await r.refresh(ARN)).toBe('v2');
  });
});
