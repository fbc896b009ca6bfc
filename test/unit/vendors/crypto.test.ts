// Vendor tokens at rest: AES-256-GCM bound to the link they belong to.
import { describe, expect, it } from 'vitest';
import { decryptToken, deriveTokenKey, encryptToken, TokenDecryptionError } from '#shared/vendors/crypto';

const key = deriveTokenKey('a-secret-of-at-least-thirty-two-characters!');

describe('sealing vendor tokens', () => {
  it('round-trips, with a fresh nonce every time', () => {
    const a = encryptToken('a4b945687g3a4e8', key, 'strava:134815:access');
    const b = encryptToken('a4b945687g3a4e8', key, 'strava:134815:access');
    expect(a).not.toBe(b);
    expect(a).not.toContain('a4b945687g3a4e8');
    expect(decryptToken(a, key, 'strava:134815:access')).toBe('a4b945687g3a4e8');
  });

  it('refuses a token moved to another link or role, a tampered one, or another key', () => {
    const sealed = encryptToken('token', key, 'strava:134815:access');
    expect(() => decryptToken(sealed, key, 'strava:999:access')).toThrow(TokenDecryptionError);
    expect(() => decryptToken(sealed, key, 'strava:134815:refresh')).toThrow(TokenDecryptionError);
    const [v, n, c, t] = sealed.split('.');
    const flipped = Buffer.from(c!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptToken([v, n, flipped.toString('base64url'), t].join('.'), key, 'strava:134815:access')).toThrow(TokenDecryptionError);
    expect(() => decryptToken(sealed, deriveTokenKey('another-secret-of-at-least-thirty-two-chars'), 'strava:134815:access')).toThrow(TokenDecryptionError);
    expect(() => decryptToken('garbage', key, 'strava:134815:access')).toThrow(TokenDecryptionError);
  });

  it('refuses a short key secret', () => {
    expect(() => deriveTokenKey('short')).toThrow();
  });
});
