// The daily prune keeps the auth tables small without ever ending a live session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueRefreshToken, pruneExpiredRefreshTokens, rotateRefreshToken } from '#shared/auth/refresh-tokens';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

describe('pruning expired refresh tokens', () => {
  it('deletes only expired tokens; a live session still refreshes afterwards', async () => {
    const { userId } = await createTestUser(t.db);
    const longAgo = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-11-26T12:00:00Z');
    await issueRefreshToken(t.db, userId, longAgo); // expired 30 days after January 1st
    const live = await issueRefreshToken(t.db, userId, new Date('2026-11-20T00:00:00Z'));

    expect(await pruneExpiredRefreshTokens(t.db, now)).toBe(1);
    const left = await t.db.selectFrom('refresh_tokens').select('expires_at').where('user_id', '=', userId).execute();
    expect(left).toHaveLength(1);
    expect(left[0]!.expires_at.getTime()).toBeGreaterThan(now.getTime());
    const rotated = await rotateRefreshToken(t.db, live.token, now);
    expect(rotated.userId).toBe(userId);
  });
});
