// Daily: expired refresh tokens and day-old failed login attempts go (both indexed on their time column).
import { pruneExpiredRefreshTokens } from '#shared/auth/refresh-tokens';
import { pruneLoginFailures } from '#shared/auth/throttle';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { withLambdaContext } from '#shared/logger';

export const handler = withLambdaContext(async (): Promise<{ refreshTokens: number }> => {
  const now = clock().now();
  const refreshTokens = await pruneExpiredRefreshTokens(getDb(), now);
  await pruneLoginFailures(getDb(), now);
  return { refreshTokens };
});
