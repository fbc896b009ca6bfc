import { functions } from '../../lib/topology';
import { refresh } from '../../shared/auth/sessions';
import { clock } from '../../shared/clock';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(functions.refresh, async ({ body }) => refresh(getDb(), body.refreshToken, clock().now()));
