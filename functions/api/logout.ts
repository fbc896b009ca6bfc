import { logout as spec } from '#lib/topology';
import { logout } from '#shared/auth/sessions';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ body }) => {
  await logout(getDb(), body.refreshToken, clock().now());
  return respond(204);
});
