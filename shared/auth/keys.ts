// The ES256 keys that sign and verify access tokens. One secret shape everywhere:
//   { "signingKey": "<random seed>", "previousSigningKeys": ["<older seed>", ...] }
// Each seed deterministically becomes a P-256 key (HKDF -> private scalar), and its kid is the RFC 7638
// thumbprint of the public key. Seeds rather than PEMs because CloudFormation can generate a random string
// but not an EC key pair: a fresh stack gets a working key with no custom resource. Rotation = put a new
// seed in `signingKey` and move the old one to `previousSigningKeys`; tokens signed with it keep verifying.
//
// Where the secret comes from (decided once per container):
//   JWT_SECRET_ARN  -> Secrets Manager (AWS), through the one secret reader (shared/secrets.ts): kept a quarter
//                      of an hour, and read again when a token names a key id we do not know (a rotation);
//   JWT_KEYS_FILE   -> a JSON file, created with a fresh seed on first use (`npm start`: .data/jwt-dev-keys.json);
//   neither         -> a seed generated in memory for this process (tests); refused in production.
import { createECDH, createPrivateKey, createPublicKey, hkdfSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import * as z from 'zod';
import { config } from '#shared/config';
import { secrets } from '#shared/secrets';

export const JWT_ALGORITHM = 'ES256';

const Seed = z.string().min(32, 'a signing key seed needs at least 32 characters');
export const KeySecret = z.object({
  signingKey: Seed,
  previousSigningKeys: z.array(Seed).max(10).default([]),
});
export type KeySecret = z.infer<typeof KeySecret>;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface KeySet {
  /** Signs new tokens. */
  current: SigningKey;
  /** Verifies tokens by kid: the current key and every previous one. */
  byKid: ReadonlyMap<string, KeyObject>;
}

/**
 * Port: where the secret is read from. `load` answers the same object while the secret is unchanged (the
 * key set derived from it is kept per object); `refresh`, where there is one, reads it again now.
 */
export interface KeySource {
  load(): Promise<KeySecret>;
  refresh?(): Promise<KeySecret>;
}

// Order of the P-256 group: a private scalar must lie in [1, n-1].
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** A seed string -> its P-256 key pair and kid. Deterministic, so every container derives the same key. */
export async function deriveSigningKey(seed: string): Promise<SigningKey> {
  for (let counter = 0; counter < 16; counter++) {
    const d = Buffer.from(hkdfSync('sha256', seed, 'running-coach/jwt', `es256/${counter}`, 32));
    const scalar = BigInt(`0x${d.toString('hex')}`);
    if (scalar === 0n || scalar >= P256_ORDER) continue; // probability ~2^-32; try the next counter
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey(); // 0x04 || x || y
    const jwk: JWK = {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
    const privateKey = createPrivateKey({ key: { ...jwk, d: d.toString('base64url') } as JsonWebKey, format: 'jwk' });
    return { kid: await calculateJwkThumbprint(jwk), privateKey, publicKey: createPublicKey(privateKey) };
  }
  throw new Error('could not derive a signing key from the seed');
}

export async function buildKeySet(secret: KeySecret): Promise<KeySet> {
  const current = await deriveSigningKey(secret.signingKey);
  const byKid = new Map<string, KeyObject>([[current.kid, current.publicKey]]);
  for (const seed of secret.previousSigningKeys) {
    const key = await deriveSigningKey(seed);
    if (!byKid.has(key.kid)) byKid.set(key.kid, key.publicKey);
  }
  return { current, byKid };
}

export const newSeed = (): string => randomBytes(32).toString('base64url');

export function secretsManagerKeySource(secretArn: string): KeySource {
  let last: { text: string; secret: KeySecret } | undefined;
  const parsed = (text: string) => {
    if (last?.text !== text) last = { text, secret: parseSecret(text, 'the JWT keys secret') };
    return last.secret;
  };
  return {
    load: async () => parsed(await secrets().get(secretArn)),
    refresh: async () => parsed(await secrets().refresh(secretArn)),
  };
}

/** Development keys kept on disk so tokens survive a restart of `npm start`; created on first use, read once. */
export function fileKeySource(file: string): KeySource {
  let loaded: Promise<KeySecret> | undefined;
  return {
    load: () =>
      (loaded ??= readOrCreate(file).catch((error: unknown) => {
        loaded = undefined;
        throw error;
      })),
  };
}

async function readOrCreate(file: string): Promise<KeySecret> {
  try {
    return parseSecret(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const secret: KeySecret = { signingKey: newSeed(), previousSigningKeys: [] };
    mkdirSync(path.dirname(file), { recursive: true });
    // 'wx': if another process created it meanwhile, read theirs instead of overwriting.
    try {
      writeFileSync(file, `${JSON.stringify(secret, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return parseSecret(readFileSync(file, 'utf8'), file);
      throw e;
    }
    return secret;
  }
}

/** A key that lives as long as the process (tests, throwaway runs). */
export function memoryKeySource(secret: KeySecret = { signingKey: newSeed(), previousSigningKeys: [] }): KeySource {
  return { load: async () => secret };
}

function parseSecret(text: string | undefined, where: string): KeySecret {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${where} is not JSON`);
  }
  const parsed = KeySecret.safeParse(json);
  // Never echo the value: it is key material.
  if (!parsed.success) throw new Error(`${where} has the wrong shape: ${parsed.error.issues.map((i) => i.path.join('.') || 'root').join(', ')}`);
  return parsed.data;
}

function sourceFromEnvironment(): KeySource {
  const c = config();
  if (c.JWT_SECRET_ARN) return secretsManagerKeySource(c.JWT_SECRET_ARN);
  if (c.JWT_KEYS_FILE) return fileKeySource(c.JWT_KEYS_FILE);
  if (c.NODE_ENV === 'production') throw new Error('JWT_SECRET_ARN is required in production');
  return memoryKeySource();
}

// Module scope: the key set derived from the secret the source last answered, derived again only when the
// secret changes (a rotation arrives through the source: shared/secrets.ts decides when it is read again).
let source: KeySource | undefined;
let derived: { secret: KeySecret; keys: Promise<KeySet> } | undefined;

function keysFor(secret: KeySecret): Promise<KeySet> {
  if (derived?.secret !== secret) {
    const keys = buildKeySet(secret);
    const entry = { secret, keys };
    derived = entry;
    keys.catch(() => {
      if (derived === entry) derived = undefined;
    });
  }
  return derived.keys;
}

export async function keySet(): Promise<KeySet> {
  source ??= sourceFromEnvironment();
  return keysFor(await source.load());
}

/** The verification key for a kid; a kid new to this container makes the source read the secret again. */
export async function verificationKey(kid: string): Promise<KeyObject | undefined> {
  const known = (await keySet()).byKid.get(kid);
  if (known || !source?.refresh) return known;
  return (await keysFor(await source.refresh())).byKid.get(kid);
}

/** Tests and the local runtime swap the source; undefined returns to the environment's. */
export function setKeySource(next: KeySource | undefined): void {
  source = next;
  derived = undefined;
}
