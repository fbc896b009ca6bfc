// Users for tests: inserted straight into the database, with a real access token signed by the same
// keys the authorizer verifies with (in memory under NODE_ENV=test). For e2e tests through the local
// runtime, send `authorization: \`Bearer ${user.accessToken}\``.
import { randomBytes } from 'node:crypto';
import type { Conn } from '#shared/db/connection';
import type { NewUser } from '#shared/db/schema';
import { signAccessToken } from '#shared/auth/tokens';
import { clock } from '#shared/clock';

export interface TestUser {
  userId: string;
  email: string;
  accessToken: string;
  /** `{ authorization: 'Bearer …' }`, ready to spread into fetch headers. */
  headers: Record<string, string>;
}

export async function createTestUser(db: Conn, overrides: Partial<NewUser> = {}): Promise<TestUser> {
  const email = overrides.email ?? `runner-${randomBytes(6).toString('hex')}@example.com`;
  const row = await db
    .insertInto('users')
    // No usable password: these users sign in only with the token below.
    .values({ password_hash: 'test-user-without-password', ...overrides, email })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Issued at the process clock's now, so a test that pinned time gets a token valid at that time.
  const { token } = await signAccessToken(row.id, clock().now());
  return { userId: row.id, email, accessToken: token, headers: { authorization: `Bearer ${token}` } };
}
