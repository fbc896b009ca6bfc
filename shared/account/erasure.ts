// DELETE /me: the right to erasure. Every row that belongs to the user goes in one transaction (the users
// row cascades to every user-owned table: see migrations/0001), plus what the cascade cannot reach:
// per-user cache entries. The authorizer checks that the
// token's user exists and caches nothing, so the user's access tokens stop working at once; refresh
// tokens are deleted with the account.
import type { CacheClient } from '../cache/client';
import type { Db } from '../db/connection';
import type { ConnectedVendor } from '../db/schema';
import { logger } from '../logger';

export interface ErasureSubject {
  userId: string;
  email: string;
  vendorLinks: ReadonlyArray<{ vendor: ConnectedVendor; vendorUserId: string }>;
}

/**
 * Cache keys that may hold this user's data. The cache port deletes named keys only (no SCAN over a
 * serverless cache), so whoever caches something per user adds its key builder here. Today nothing does:
 * webhook idempotency records are keyed by vendor event, hold no health data and expire with their TTL.
 */
export const userCacheKeyBuilders: Array<(subject: ErasureSubject) => string[]> = [];

export interface ErasurePorts {
  cache: Pick<CacheClient, 'del'>;
}

/** Erases the account; a second call (or a vanished user) is a no-op. */
export async function eraseAccount(db: Db, userId: string, ports: ErasurePorts): Promise<{ erased: boolean }> {
  const user = await db.selectFrom('users').select(['id', 'email']).where('id', '=', userId).executeTakeFirst();
  if (!user) return { erased: false };
  const links = await db.selectFrom('vendor_connections').select(['vendor', 'vendor_user_id']).where('user_id', '=', userId).execute();
  const subject: ErasureSubject = { userId, email: user.email, vendorLinks: links.map((l) => ({ vendor: l.vendor, vendorUserId: l.vendor_user_id })) };

  // Cache first: if it fails, the account still exists and the user can retry; the other way round a
  // failure would leave orphaned entries nobody can ask to delete any more.
  const keys = [...new Set(userCacheKeyBuilders.flatMap((build) => build(subject)))];
  if (keys.length > 0) await ports.cache.del(keys);

  await db.transaction().execute(async (trx) => {
    // Explicit for the data that must not outlive the account even if a cascade were ever dropped:
    // sessions and vendor credentials.
    await trx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
    await trx.deleteFrom('vendor_connections').where('user_id', '=', userId).execute();
    await trx.deleteFrom('users').where('id', '=', userId).execute();
  });
  logger.info('account erased', { userId, cacheKeys: keys.length, vendorLinks: links.length });
  return { erased: true };
}
