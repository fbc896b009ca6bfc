import { login as spec } from '#lib/topology';
import { login } from '#shared/auth/sessions';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ body }) => login(getDb(), body.email, body.password, clock().now()));
