import { register as spec } from '#lib/topology';
import { register } from '#shared/auth/sessions';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';

// The account created is the caller's own: Location names it as the client will read it.
export const handler = httpHandler(spec, async ({ body }) =>
  respond(201, await register(getDb(), body.email, body.password, clock().now()), { Location: '/api/v1/me' }),
);
