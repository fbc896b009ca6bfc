// Vendor OAuth tokens at rest: AES-256-GCM with a random 96-bit nonce per value. The ciphertext is bound
// to what it belongs to (associated data, e.g. "strava:134815:access"), so a token copied into another
// row or column fails to decrypt instead of lending one athlete's access to another.
// Format: v1.<nonce>.<ciphertext>.<tag>, base64url; the version leaves room for key rotation.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A 256-bit key from a high-entropy secret string (the Secrets Manager value or VENDOR_TOKEN_KEY). */
export function deriveTokenKey(secret: string): Buffer {
  if (secret.length < 32) throw new Error('the vendor token key secret must be at least 32 characters');
  return createHash('sha256').update(`running-coach/vendor-tokens/v1\0${secret}`).digest();
}

export function encryptToken(plaintext: string, key: Buffer, context: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, nonce.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export class TokenDecryptionError extends Error {
  constructor() {
    super('a stored vendor token could not be decrypted (wrong key, context or a corrupted value)');
    this.name = 'TokenDecryptionError';
  }
}

export function decryptToken(sealed: string, key: Buffer, context: string): string {
  const [version, nonce, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined) throw new TokenDecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenDecryptionError();
  }
}
