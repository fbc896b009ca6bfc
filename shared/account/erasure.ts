// DELETE /me: the right to erasure. Every row that belongs to the user goes in one transaction (the users
// row cascades to every user-owned table: see migrations/0001). Per user, the cache holds the home screen
// (shared/home), deleted here by name (a serverless cache has no SCAN); otherwise only webhook idempotency
// records, keyed by vendor event, without health data, expiring with their TTL. The authorizer checks that the token's user exists and caches nothing,
// so the user's access tokens stop working at once; refresh tokens are deleted with the account.
import { cacheClient } from '#shared/cache/client';
import type { Db } from '#shared/db/connection';
import { homeKey } from '#shared/home/cache';
import { logger } from '#shared/logger';

/** Erases the account; a second call (or a vanished user) is a no-op. */
export async function eraseAccount(db: Db, userId: string): Promise<{ erased: boolean }> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) return { erased: false };
  const links = await db.selectFrom('vendor_connections').select('vendor').where('user_id', '=', userId).execute();
  // Cache first: if it fails, the account still exists and the user can retry; the other way round a failure
  // would leave an entry nobody can ask to delete any more.
  await cacheClient().del([homeKey(userId)]);

  await db.transaction().execute(async (trx) => {
    // Explicit for the data that must not outlive the account even if a cascade were ever dropped:
    // sessions and vendor credentials.
    await trx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
    await trx.deleteFrom('vendor_connections').where('user_id', '=', userId).execute();
    await trx.deleteFrom('users').where('id', '=', userId).execute();
  });
  logger.info('account erased', { userId, vendorLinks: links.length });
  return { erased: true };
}
