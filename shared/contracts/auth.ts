// Request and response shapes of /api/v1/auth/*.
import * as z from 'zod';

/** Trimmed and lower-cased before anything else looks at it: one account per address, whatever the case. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  // The document states what the pipe ends in: an address (zod's JSON Schema would show only its input).
  .meta({ format: 'email', examples: ['ana@example.com'] });

// Upper bound only to keep scrypt's input sane; length, not composition rules (NIST SP 800-63B).
const NewPassword = z.string().min(10).max(1024);
const AnyPassword = z.string().min(1).max(1024);
const RefreshToken = z
  .string()
  .min(32)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a refresh token as issued at sign-in');

const credentialsExample = { email: 'ana@example.com', password: 'correct horse battery' };
const refreshTokenExample = 'q3Vd8mB1xYkR0cT7nLs2Wf9hJ4pZa6Ue5Gi1Oo0-_Xy';

export const RegisterBody = z.strictObject({ email: Email, password: NewPassword }).meta({ id: 'RegisterBody', examples: [credentialsExample] });
export const LoginBody = z.strictObject({ email: Email, password: AnyPassword }).meta({ id: 'LoginBody', examples: [credentialsExample] });
export const RefreshBody = z.strictObject({ refreshToken: RefreshToken }).meta({ id: 'RefreshBody', examples: [{ refreshToken: refreshTokenExample }] });
export const LogoutBody = RefreshBody;

export const TokenPairResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int().positive(),
    user: z.object({ id: z.uuid(), email: z.email() }),
  })
  .meta({
    id: 'TokenPair',
    examples: [
      {
        accessToken: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
        refreshToken: refreshTokenExample,
        expiresIn: 900,
        user: { id: '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11', email: 'ana@example.com' },
      },
    ],
  });
export type TokenPair = z.infer<typeof TokenPairResponse>;
