// Repeated failed logins for one email are throttled: after MAX_FAILURES within WINDOW the next attempts
// get 429 with Retry-After until the oldest failure leaves the window. Counted per email (hashed), for
// addresses with and without an account alike, so throttling reveals nothing about who is registered.
//
// An attempt is recorded as a failure *before* the password is checked (and cleared on success), under a
// per-email advisory lock: concurrent guesses cannot all slip past the count while scrypt runs.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn, Db } from '../db/connection';
import { TooManyRequests } from '../http/errors';

export const MAX_FAILURES = 5;
export const WINDOW_SECONDS = 15 * 60;

export const emailHash = (email: string): string => createHash('sha256').update(email, 'utf8').digest('hex');

/** Throws 429 while throttled; otherwise records this attempt as pending (a failure unless cleared). */
export async function reserveLoginAttempt(db: Db, email: string, userId: string | undefined, now: Date): Promise<void> {
  const hash = emailHash(email);
  const since = new Date(now.getTime() - WINDOW_SECONDS * 1000);
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`login:${hash}`}, 0))`.execute(trx);
    const recent = await trx
      .selectFrom('failed_login_attempts')
      .select((eb) => [eb.fn.countAll<number>().as('failures'), eb.fn.min('attempted_at').as('oldest')])
      .where('email_hash', '=', hash)
      .where('attempted_at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(recent.failures) >= MAX_FAILURES && recent.oldest) {
      const retryAfter = (new Date(recent.oldest).getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000;
      throw new TooManyRequests(retryAfter, 'Too many failed sign-in attempts; try again later');
    }
    await trx.insertInto('failed_login_attempts').values({ email_hash: hash, user_id: userId ?? null, attempted_at: now }).execute();
  });
}

/** A successful login forgives the email's past failures (including the attempt just reserved). */
export async function clearLoginFailures(db: Conn, email: string): Promise<void> {
  await db.deleteFrom('failed_login_attempts').where('email_hash', '=', emailHash(email)).execute();
}

/** Old rows serve no purpose; dropped opportunistically (indexed on attempted_at). */
export async function pruneLoginFailures(db: Conn, now: Date): Promise<void> {
  await db.deleteFrom('failed_login_attempts').where('attempted_at', '<', new Date(now.getTime() - 24 * 3600 * 1000)).execute();
}
