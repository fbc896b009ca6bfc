// Access tokens: short-lived ES256 JWTs. Verification is pinned when it is configured (algorithm
// allow-list, issuer, audience, required exp/iat/sub), never taken from the token's own header: without
// that, a token could pick `alg: none` or HS256-with-our-public-key.
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import * as z from 'zod';
import { config } from '#shared/config';
import { JWT_ALGORITHM, keySet, verificationKey } from './keys';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Why a token was refused: safe to log (no token content). */
export class InvalidToken extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidToken';
  }
}

/** Issued at `now`, valid ACCESS_TOKEN_TTL_SECONDS from then. */
export async function signAccessToken(userId: string, now: Date): Promise<{ token: string; expiresIn: number }> {
  const { current } = await keySet();
  const c = config();
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: current.kid, typ: 'JWT' })
    .setIssuer(c.JWT_ISSUER)
    .setAudience(c.JWT_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(current.privateKey);
  return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

const Subject = z.uuid();

/** The token's user, if the token is valid at `now`. */
export async function verifyAccessToken(token: string, now: Date): Promise<{ userId: string }> {
  const c = config();
  try {
    const { payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        if (typeof header.kid !== 'string' || header.kid === '') throw new InvalidToken('no kid');
        const key = await verificationKey(header.kid);
        if (!key) throw new InvalidToken('unknown kid');
        return key;
      },
      {
        algorithms: [JWT_ALGORITHM],
        issuer: c.JWT_ISSUER,
        audience: c.JWT_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: now,
        clockTolerance: 5,
        maxTokenAge: ACCESS_TOKEN_TTL_SECONDS + 5,
      },
    );
    const sub = Subject.safeParse(payload.sub);
    if (!sub.success) throw new InvalidToken('sub is not a user id');
    return { userId: sub.data };
  } catch (error) {
    if (error instanceof InvalidToken) throw error;
    if (error instanceof errors.JOSEError) throw new InvalidToken(error.code);
    // Malformed input can surface as a plain TypeError from decoding; it is still just a bad token.
    if (error instanceof TypeError || error instanceof SyntaxError) throw new InvalidToken('malformed');
    throw error;
  }
}
