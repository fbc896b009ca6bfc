// Signing keys: derived from the secret's seeds, rotated without logging anyone out, fetched once and again
// when a token names a key this container has not seen.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveSigningKey, fileKeySource, memoryKeySource, newSeed, setKeySource } from '#shared/auth/keys';
import { InvalidToken, signAccessToken, verifyAccessToken } from '#shared/auth/tokens';
import { resetConfig } from '#shared/config';
import { type FakeSecretsManager, fakeSecretsManager } from '#test/support/secrets-manager';

const USER = '6f1c1d9e-3b7a-4c55-9d1e-2a8b4f0c7e11';
const JWT_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:jwt';
let sm: FakeSecretsManager;
beforeAll(async () => {
  sm = await fakeSecretsManager();
});
afterAll(() => sm.close());

afterEach(() => {
  setKeySource(undefined);
  sm.restore();
  sm.requests.length = 0;
  delete process.env.JWT_SECRET_ARN;
  process.env.NODE_ENV = 'test';
  resetConfig();
});

describe('signing keys', () => {
  it('derive the same P-256 key and kid from the same seed, a different one from another', async () => {
    const seed = newSeed();
    const a = await deriveSigningKey(seed);
    const b = await deriveSigningKey(seed);
    const c = await deriveSigningKey(newSeed());
    expect(a.kid).toBe(b.kid);
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.kid).not.toBe(a.kid);
    expect(a.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('sign ES256 tokens with kid, iss, aud, sub, iat and a 15-minute exp', async () => {
    setKeySource(memoryKeySource());
    const { token, expiresIn } = await signAccessToken(USER, new Date());
    expect(expiresIn).toBe(900);
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(header.kid).toBeTruthy();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
    expect(payload.exp - payload.iat).toBe(900);
    expect(await verifyAccessToken(token, new Date())).toEqual({ userId: USER });
  });

  it('are issued at the time given and refused once 15 minutes of it have passed', async () => {
    setKeySource(memoryKeySource());
    const issued = new Date('2026-03-01T08:00:00.700Z');
    const { token } = await signAccessToken(USER, issued);
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.iat).toBe(Math.floor(issued.getTime() / 1000));
    expect(await verifyAccessToken(token, new Date(issued.getTime() + 14 * 60_000))).toEqual({ userId: USER });
    await expect(verifyAccessToken(token, new Date(issued.getTime() + 16 * 60_000))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('keep verifying tokens of the previous key after a rotation, and stop once it is dropped', async () => {
    const oldSeed = newSeed();
    setKeySource(memoryKeySource({ signingKey: oldSeed, previousSigningKeys: [] }));
    const { token: oldToken } = await signAccessToken(USER, new Date());

    const newSeedValue = newSeed();
    setKeySource(memoryKeySource({ signingKey: newSeedValue, previousSigningKeys: [oldSeed] }));
    const { token: newToken } = await signAccessToken(USER, new Date());
    expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
    expect(await verifyAccessToken(oldToken, new Date())).toEqual({ userId: USER });
    expect(await verifyAccessToken(newToken, new Date())).toEqual({ userId: USER });

    setKeySource(memoryKeySource({ signingKey: newSeedValue, previousSigningKeys: [] }));
    await expect(verifyAccessToken(oldToken, new Date())).rejects.toBeInstanceOf(InvalidToken);
  });

  it('come from Secrets Manager once per container', async () => {
    sm.put(JWT_ARN, JSON.stringify({ signingKey: newSeed() }));
    process.env.JWT_SECRET_ARN = JWT_ARN;
    sm.use();
    setKeySource(undefined);
    const { token } = await signAccessToken(USER, new Date());
    await verifyAccessToken(token, new Date());
    await signAccessToken(USER, new Date());
    expect(sm.reads()).toBe(1);
    expect(sm.requests[0]!.secretId).toBe(JWT_ARN);
  });

  it('are read again from Secrets Manager when a token names a key this container does not know (a rotation elsewhere)', async () => {
    const oldSeed = newSeed();
    sm.put(JWT_ARN, JSON.stringify({ signingKey: oldSeed }));
    process.env.JWT_SECRET_ARN = JWT_ARN;
    sm.use();
    setKeySource(undefined);
    await signAccessToken(USER, new Date()); // this container now holds the old key
    // Another container, already on the rotated secret, signs with the new key.
    const rotated = { signingKey: newSeed(), previousSigningKeys: [oldSeed] };
    setKeySource(memoryKeySource(rotated));
    const { token: newToken } = await signAccessToken(USER, new Date());
    sm.put(JWT_ARN, JSON.stringify(rotated));
    setKeySource(undefined);
    await signAccessToken(USER, new Date()); // back on the cached (old) value: no new read
    expect(sm.reads()).toBe(1);
    expect(await verifyAccessToken(newToken, new Date())).toEqual({ userId: USER });
    expect(sm.reads()).toBe(2);
    // A made-up key id right after does not become another read (the refresh floor).
    const forged = `${Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'made-up' })).toString('base64url')}.${newToken.split('.')[1]}.${newToken.split('.')[2]}`;
    await expect(verifyAccessToken(forged, new Date())).rejects.toBeInstanceOf(InvalidToken);
    expect(sm.reads()).toBe(2);
  });

  it('refuse a secret of the wrong shape without echoing it', async () => {
    sm.put(JWT_ARN, JSON.stringify({ signingKey: 'too-short-to-be-a-key' }));
    process.env.JWT_SECRET_ARN = JWT_ARN;
    sm.use();
    setKeySource(undefined);
    const failure = await signAccessToken(USER, new Date()).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('signingKey');
    expect((failure as Error).message).not.toContain('too-short-to-be-a-key');
  });

  it('are never invented in production', async () => {
    process.env.NODE_ENV = 'production';
    resetConfig();
    setKeySource(undefined);
    await expect(signAccessToken(USER, new Date())).rejects.toThrow('JWT_SECRET_ARN is required in production');
  });

  it('are generated once into the development key file and reused after a restart', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rc-keys-')), 'nested', 'jwt-dev-keys.json');
    setKeySource(fileKeySource(file));
    const { token } = await signAccessToken(USER, new Date());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.signingKey).toHaveLength(43);
    setKeySource(fileKeySource(file)); // "restart"
    expect(await verifyAccessToken(token, new Date())).toEqual({ userId: USER });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(stored);
  });
});
