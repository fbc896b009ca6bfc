// The token checks a forged, stale or misdirected token must fail, through the same authorizer path the
// API uses (local runtime -> REQUEST authorizer -> route). Every case must be a 401, never a 200 or 500.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { exportJWK, calculateJwkThumbprint, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { keySet } from '#shared/auth/keys';
import { config } from '#shared/config';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';

const local = useLocalRuntime();

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  alice = await createTestUser(local.db);
  bob = await createTestUser(local.db);
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  const iat = nowSeconds();
  return { iss: config().JWT_ISSUER, aud: config().JWT_AUDIENCE, sub: alice.userId, iat, exp: iat + 900, ...overrides };
}

/** Signed with the real current key, so only the claim under test is wrong. */
async function signed(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const { current } = await keySet();
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: current.kid, typ: 'JWT', ...header }).sign(current.privateKey);
}

const me = (authorization?: string) => local.fetch(`/api/v1/me`, { headers: authorization === undefined ? {} : { authorization } });

async function expectRefused(authorization: string | undefined) {
  const res = await me(authorization);
  expect(res.status).toBe(401);
  const body = (await res.json()) as Record<string, unknown>;
  expect(JSON.stringify(body)).not.toContain(alice.email);
}

describe('the authorizer', () => {
  it('accepts a valid token (control)', async () => {
    const res = await me(`Bearer ${await signed(claims())}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(alice.userId);
  });

  it('refuses a request without a token', async () => {
    await expectRefused(undefined);
    await expectRefused('');
  });

  it('refuses malformed tokens and other schemes', async () => {
    await expectRefused('Bearer');
    await expectRefused('Bearer not-a-jwt');
    await expectRefused('Bearer a.b.c');
    await expectRefused(`Bearer ${b64({ alg: 'ES256' })}.${b64(claims())}`);
    await expectRefused(`Basic ${Buffer.from('alice:secret').toString('base64')}`);
    await expectRefused(`bearer${alice.accessToken}`);
  });

  it("refuses alg 'none'", async () => {
    const { current } = await keySet();
    await expectRefused(`Bearer ${b64({ alg: 'none', typ: 'JWT', kid: current.kid })}.${b64(claims())}.`);
    await expectRefused(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const { current } = await keySet();
    const pem = current.publicKey.export({ type: 'spki', format: 'pem' });
    const jwk = JSON.stringify(current.publicKey.export({ format: 'jwk' }));
    for (const secret of [Buffer.from(pem), Buffer.from(jwk)]) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: current.kid, typ: 'JWT' }).sign(secret);
      await expectRefused(`Bearer ${token}`);
    }
  });

  it('refuses a token from a key it does not know, whatever kid it claims', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreignKid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const unknownKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: foreignKid }).sign(privateKey);
    await expectRefused(`Bearer ${unknownKid}`);
    const { current } = await keySet();
    const stolenKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: current.kid }).sign(privateKey);
    await expectRefused(`Bearer ${stolenKid}`);
    const noKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    await expectRefused(`Bearer ${noKid}`);
  });

  it('refuses an expired token', async () => {
    const iat = nowSeconds() - 3600;
    await expectRefused(`Bearer ${await signed(claims({ iat, exp: iat + 900 }))}`);
  });

  it('refuses a token without exp, or that lives longer than an access token may', async () => {
    const { exp: _exp, ...noExp } = claims();
    await expectRefused(`Bearer ${await signed(noExp)}`);
    const iat = nowSeconds() - 3600;
    await expectRefused(`Bearer ${await signed(claims({ iat, exp: iat + 7 * 86400 }))}`);
  });

  it('refuses the wrong issuer or audience', async () => {
    await expectRefused(`Bearer ${await signed(claims({ iss: 'https://evil.example' }))}`);
    await expectRefused(`Bearer ${await signed(claims({ aud: 'someone-else' }))}`);
    await expectRefused(`Bearer ${await signed(claims({ aud: undefined }))}`);
  });

  it('refuses a token whose subject is not a user id', async () => {
    await expectRefused(`Bearer ${await signed(claims({ sub: "1' or '1'='1" }))}`);
    await expectRefused(`Bearer ${await signed(claims({ sub: randomUUID() }))}`);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = alice.accessToken.split('.');
    const forged = { ...JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString()), sub: bob.userId };
    await expectRefused(`Bearer ${header}.${b64(forged)}.${signature}`);
    // A character in the middle: the last one of a base64url signature carries padding bits a decoder ignores,
    // so changing it sometimes changes nothing (1 run in ~60 let the token through).
    const flipped = signature!.slice(0, 10) + (signature![10] === 'A' ? 'B' : 'A') + signature!.slice(11);
    await expectRefused(`Bearer ${header}.${alice.accessToken.split('.')[1]}.${flipped}`);
  });

  it("refuses a deleted user's still-unexpired token", async () => {
    const carol = await createTestUser(local.db);
    expect((await me(`Bearer ${carol.accessToken}`)).status).toBe(200);
    await local.db.deleteFrom('users').where('id', '=', carol.userId).execute();
    await expectRefused(`Bearer ${carol.accessToken}`);
  });
});
