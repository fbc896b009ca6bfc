import { getHome as spec } from '#lib/topology';
import { cacheClient } from '#shared/cache/client';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';
import type { Home } from '#shared/contracts/home';
import { homeScreen } from '#shared/home/home';

export const handler = httpHandler(spec, async ({ headers, userId }) => {
  const { home, etag } = await homeScreen(getDb(), cacheClient(), userId, clock().now());
  const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' };
  if (headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}`)) return respond<Home>(304, undefined, cacheHeaders);
  return respond(200, home, cacheHeaders);
});
