// Refresh tokens: opaque random values, stored only as SHA-256 hashes. A login starts a family; each use
// marks the token used and issues its successor in the same family. Presenting a used (or revoked) token
// again means two parties hold the chain — the whole family is revoked and both must sign in again.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Conn, Db } from '#shared/db/connection';
import { Unauthenticated } from '#shared/errors';
import { logger } from '#shared/logger';

export const REFRESH_TOKEN_TTL_DAYS = 30;

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface IssuedRefreshToken {
  id: string;
  token: string;
}

/** A new token; a new family unless `familyId` continues one. */
export async function issueRefreshToken(db: Conn, userId: string, now: Date, familyId: string = randomUUID()): Promise<IssuedRefreshToken> {
  const token = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashRefreshToken(token),
      expires_at: new Date(now.getTime() + REFRESH_TOKEN_TTL_DAYS * 86_400_000),
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

const refused = () => new Unauthenticated('The refresh token is invalid or expired');

/**
 * Spends a refresh token: returns its user and successor, or throws 401. Reuse revokes the family; that
 * revocation is committed even though the caller gets 401.
 */
export async function rotateRefreshToken(db: Db, token: string, now: Date): Promise<{ userId: string; next: IssuedRefreshToken }> {
  const outcome = await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('refresh_tokens')
      .select(['id', 'user_id', 'family_id', 'expires_at', 'used_at', 'revoked_at'])
      .where('token_hash', '=', hashRefreshToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { kind: 'unknown' as const };
    if (current.used_at || current.revoked_at) {
      await revokeFamily(trx, current.user_id, current.family_id, now);
      return { kind: 'reused' as const, userId: current.user_id, familyId: current.family_id, wasRevoked: current.revoked_at !== null };
    }
    if (current.expires_at.getTime() <= now.getTime()) return { kind: 'expired' as const };
    const next = await issueRefreshToken(trx, current.user_id, now, current.family_id);
    await trx.updateTable('refresh_tokens').set({ used_at: now, replaced_by: next.id }).where('id', '=', current.id).execute();
    return { kind: 'rotated' as const, userId: current.user_id, next };
  });
  if (outcome.kind === 'rotated') return { userId: outcome.userId, next: outcome.next };
  if (outcome.kind === 'reused' && !outcome.wasRevoked) {
    logger.warn('refresh token reused: family revoked', { userId: outcome.userId, familyId: outcome.familyId });
  }
  throw refused();
}

export async function revokeFamily(db: Conn, userId: string, familyId: string, now: Date): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Logout: ends the token's whole session (its family). Unknown tokens are ignored: 204 either way. */
export async function revokeRefreshToken(db: Conn, token: string, now: Date): Promise<void> {
  const row = await db.selectFrom('refresh_tokens').select(['user_id', 'family_id']).where('token_hash', '=', hashRefreshToken(token)).executeTakeFirst();
  if (row) await revokeFamily(db, row.user_id, row.family_id, now);
}

/** Expired tokens can never be used again (nor prove a theft: an expired token is refused anyway). */
export async function pruneExpiredRefreshTokens(db: Conn, now: Date): Promise<number> {
  const result = await db.deleteFrom('refresh_tokens').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
