import { refresh as spec } from '#lib/topology';
import { refresh } from '#shared/auth/sessions';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ body }) => refresh(getDb(), body.refreshToken, clock().now()));
