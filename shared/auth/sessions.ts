// Sign-up, sign-in, refresh and sign-out: the account service behind /api/v1/auth/*.
import type { Db } from '#shared/db/connection';
import { Conflict, Unauthenticated } from '#shared/errors';
import type { TokenPair } from '#shared/contracts/auth';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './passwords';
import { issueRefreshToken, revokeRefreshToken, rotateRefreshToken } from './refresh-tokens';
import { clearLoginFailures, pruneLoginFailures, reserveLoginAttempt } from './throttle';
import { signAccessToken } from './tokens';

async function tokenPair(db: Db, user: { id: string; email: string }, now: Date, refresh?: { token: string }): Promise<TokenPair> {
  const [access, refreshToken] = await Promise.all([
    signAccessToken(user.id, now),
    refresh ? Promise.resolve(refresh.token) : issueRefreshToken(db, user.id, now).then((r) => r.token),
  ]);
  return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, user: { id: user.id, email: user.email } };
}

/** `email` is already normalized by the contract. 409 when it is taken. */
export async function register(db: Db, email: string, password: string, now: Date): Promise<TokenPair> {
  // A taken email costs no scrypt (409 says the email is registered either way). Two registrations racing
  // past this check both hash; the insert below decides which one wins.
  const taken = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (taken) throw new Conflict('An account with this email already exists');
  const passwordHash = await hashPassword(password);
  const user = await db
    .insertInto('users')
    .values({ email, password_hash: passwordHash })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(['id', 'email'])
    .executeTakeFirst();
  if (!user) throw new Conflict('An account with this email already exists');
  return tokenPair(db, user, now);
}

const wrongCredentials = () => new Unauthenticated('Email or password is incorrect');

/**
 * One answer for an unknown email and a wrong password, in the same time: a dummy scrypt runs for the
 * unknown email, after the same throttle statements.
 */
export async function login(db: Db, email: string, password: string, now: Date): Promise<TokenPair> {
  const user = await db.selectFrom('users').select(['id', 'email', 'password_hash']).where('email', '=', email).executeTakeFirst();
  await reserveLoginAttempt(db, user?.id, now);
  const ok = user?.password_hash ? await verifyPassword(password, user.password_hash) : await burnPasswordCheck(password);
  if (!ok || !user) throw wrongCredentials();
  await clearLoginFailures(db, user.id);
  if (needsRehash(user.password_hash!)) {
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', user.id)
      .execute();
  }
  // Housekeeping on the success path only, off the attacker's critical path.
  await pruneLoginFailures(db, now);
  return tokenPair(db, user, now);
}

export async function refresh(db: Db, refreshToken: string, now: Date): Promise<TokenPair> {
  const { userId, next } = await rotateRefreshToken(db, refreshToken, now);
  const user = await db.selectFrom('users').select(['id', 'email']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new Unauthenticated('The refresh token is invalid or expired');
  return tokenPair(db, user, now, next);
}

export async function logout(db: Db, refreshToken: string, now: Date): Promise<void> {
  await revokeRefreshToken(db, refreshToken, now);
}
