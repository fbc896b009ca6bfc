import { functions } from '../../lib/topology';
import { register } from '../../shared/auth/sessions';
import { clock } from '../../shared/clock';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(functions.register, async ({ body }) => register(getDb(), body.email, body.password, clock().now()));
