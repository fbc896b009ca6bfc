// The home screen's per-user cache entry (Redis/Valkey with REDIS_URL, in memory otherwise: shared/cache).
// Every write that changes any part of the home screen calls homeChanged after its commit; the entry also
// carries the local date it was built for, so a new day is a miss without any write.
import { cacheClient } from '#shared/cache/client';
import { errorFields, logger } from '#shared/logger';

/** A backstop only: invalidation keeps entries right; this bounds how long a lost invalidation could last. */
export const HOME_TTL_SECONDS = 15 * 60;

export const homeKey = (userId: string) => `home:v1:${userId}`;

/** Drops the user's cached home screen. Never throws: the write it follows is committed; the TTL bounds a failure. */
export async function homeChanged(...userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  try {
    await cacheClient().del([...new Set(userIds)].map(homeKey));
  } catch (error) {
    logger.warn('home cache invalidation failed', { count: userIds.length, ...errorFields(error as Error) });
  }
}
