// What the API Gateway authorizer decides: a bearer token is accepted only if it verifies and its user
// still exists (one primary-key lookup). Authorizer results are not cached (TTL 0), so an erased
// account's tokens stop working at once instead of living until they expire.
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Conn } from '#shared/db/connection';
import { InvalidToken, verifyAccessToken } from './tokens';

/** "Bearer <token>" -> the token; anything else -> undefined. The scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i.exec(header?.trim() ?? '');
  return m?.[1];
}

/** The user the header authenticates at `now`, or InvalidToken. */
export async function authenticate(db: Conn, authorization: string | undefined, now: Date): Promise<string> {
  const token = bearerToken(authorization);
  if (!token) throw new InvalidToken('no bearer token');
  const { userId } = await verifyAccessToken(token, now);
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new InvalidToken('user no longer exists');
  return userId;
}

/**
 * Allows the whole API (arn:...:apiId/stage/*), not just the method called: with a TTL > 0 API Gateway
 * reuses a policy for the caller's other routes, and an exact-method policy would then deny them.
 */
export function allowPolicy(userId: string, methodArn: string): APIGatewayAuthorizerResult {
  const [arn = methodArn, stage = '*'] = methodArn.split('/');
  return {
    principalId: userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arn}/${stage}/*` }],
    },
    context: { userId },
  };
}
