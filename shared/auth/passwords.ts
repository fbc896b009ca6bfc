// Password hashes: scrypt (node:crypto) with a per-user random salt. The cost parameters travel with the
// hash, so raising them later only affects new hashes (and old ones are upgraded at the next login).
// Format: scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ConcurrencyLimit, Saturated } from '#shared/concurrency';
import { Unavailable } from '#shared/errors';

export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: N=2^15, r=8, p=3 (32 MiB), one of its equivalent scrypt settings. */
export const CURRENT_COST: ScryptCost = { log2N: 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on what a stored hash may ask for: a corrupted or hostile row must not exhaust memory. */
const MAX_LOG2N = 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which DNS lookups and file I/O share; each run
 * takes 32 MiB. Two at a time leaves the pool room for the rest, and a burst of logins waits in a short line
 * or gets a 503 with Retry-After instead of starving the process until every request times out.
 */
export const passwordHashing = new ConcurrencyLimit('password hashing', 4, 16);

async function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  try {
    return await passwordHashing.run(() => deriveNow(password, salt, cost, length));
  } catch (error) {
    if (error instanceof Saturated) throw new Unavailable('Too many sign-ins at once; retry shortly', 1);
    throw error;
  }
}

function deriveNow(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly our cost, so leave headroom.
    maxmem: 256 * 2 ** cost.log2N * cost.r,
  };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string, cost: ScryptCost = CURRENT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!ok(log2N, MAX_LOG2N) || !ok(r, MAX_R) || !ok(p, MAX_P)) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { cost: { log2N, r, p }, salt, key };
}

/** Constant-time comparison of the derived key; false for a malformed stored value. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(candidate, parsed.key);
}

/** True when the hash was made with weaker parameters than today's (re-hash after a successful login). */
export function needsRehash(stored: string, cost: ScryptCost = CURRENT_COST): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  return parsed.cost.log2N < cost.log2N || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same scrypt work as a real check, for an email with no account (or no password): the
 * response time then says nothing about which emails exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummy);
  return false;
}
