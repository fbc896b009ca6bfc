// Request and response shapes of /api/v1/auth/*.
import { z } from 'zod';

/** Trimmed and lower-cased before anything else looks at it: one account per address, whatever the case. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email('must be an email address'));

// Upper bound only to keep scrypt's input sane; length, not composition rules (NIST SP 800-63B).
const NewPassword = z.string().min(10, 'must be at least 10 characters').max(1024);
const AnyPassword = z.string().min(1).max(1024);
const RefreshToken = z.string().min(32).max(128).regex(/^[A-Za-z0-9_-]+$/, 'malformed refresh token');

export const RegisterBody = z.strictObject({ email: Email, password: NewPassword });
export const LoginBody = z.strictObject({ email: Email, password: AnyPassword });
export const RefreshBody = z.strictObject({ refreshToken: RefreshToken });
export const LogoutBody = RefreshBody;

export const TokenPairResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  user: z.object({ id: z.uuid(), email: z.string() }),
});
export type TokenPair = z.infer<typeof TokenPairResponse>;
