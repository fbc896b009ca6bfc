// Password hashes: salted scrypt with the cost stored beside the hash.
import { describe, expect, it } from 'vitest';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from '#shared/auth/passwords';

const cheap = { log2N: 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verify the right password only', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('use a fresh salt each time and keep the cost parameters with the hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', cheap), hashPassword('same password', cheap)]);
    expect(a).not.toBe(b);
    expect(a.split('$').slice(0, 4)).toEqual(['scrypt', '10', '8', '1']);
    // Verification reads the cost from the hash, not from today's defaults.
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(needsRehash(a)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(10)))).toBe(false);
  });

  it('treat the same text in composed and decomposed Unicode as one password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!', cheap);
    expect(await verifyPassword('cafe\u0301 au lait!', hash)).toBe(true);
  });

  it('refuse malformed or hostile stored values instead of running them', async () => {
    for (const stored of ['', 'plain', 'scrypt$30$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5', 'bcrypt$10$8$1$x$y', 'scrypt$10$8$1$$']) {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    }
  });

  it('spend a full check for an unknown account', async () => {
    const started = performance.now();
    expect(await burnPasswordCheck('whatever password')).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(20);
  });
});
