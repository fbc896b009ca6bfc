// Repeated failed logins for one account are throttled: after MAX_FAILURES within WINDOW the next attempts
// get 429 with Retry-After until the oldest failure leaves the window, whatever the password.
//
// An attempt is recorded as a failure *before* the password is checked (and cleared on success), under a
// per-account advisory lock: concurrent guesses cannot all slip past the count while scrypt runs.
//
// Only accounts are throttled (failed_login_attempts.user_id is the account). A 429 therefore tells that
// an email is registered, which POST /auth/register's 409 tells anyway; both are left to the API's rate
// limits. An unknown email goes through the same lock and count, so its timing matches.
import { sql } from 'kysely';
import type { Conn, Db } from '#shared/db/connection';
import { RateLimited } from '#shared/errors';

export const MAX_FAILURES = 5;
export const WINDOW_SECONDS = 15 * 60;

/** Locks on the nil uuid for an email without an account: same statements, nothing recorded. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/** Throws 429 while throttled; otherwise records this attempt as pending (a failure unless cleared). */
export async function reserveLoginAttempt(db: Db, userId: string | undefined, now: Date): Promise<void> {
  const subject = userId ?? NO_ACCOUNT;
  const since = new Date(now.getTime() - WINDOW_SECONDS * 1000);
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`login:${subject}`}, 0))`.execute(trx);
    const recent = await trx
      .selectFrom('failed_login_attempts')
      .select((eb) => [eb.fn.countAll<number>().as('failures'), eb.fn.min('attempted_at').as('oldest')])
      .where('user_id', '=', subject)
      .where('attempted_at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(recent.failures) >= MAX_FAILURES && recent.oldest) {
      const retryAfter = (new Date(recent.oldest).getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000;
      throw new RateLimited(retryAfter, 'Too many failed sign-in attempts; try again later');
    }
    if (userId) await trx.insertInto('failed_login_attempts').values({ user_id: userId, attempted_at: now }).execute();
  });
}

/** A successful login forgives the account's past failures (including the attempt just reserved). */
export async function clearLoginFailures(db: Conn, userId: string): Promise<void> {
  await db.deleteFrom('failed_login_attempts').where('user_id', '=', userId).execute();
}

/** Old rows serve no purpose; dropped opportunistically (indexed on attempted_at). */
export async function pruneLoginFailures(db: Conn, now: Date): Promise<void> {
  await db
    .deleteFrom('failed_login_attempts')
    .where('attempted_at', '<', new Date(now.getTime() - 24 * 3600 * 1000))
    .execute();
}
