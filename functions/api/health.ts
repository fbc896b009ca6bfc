import { health as spec } from '#lib/topology';
import { getDb } from '#shared/db/connection';
import { checkHealth } from '#shared/db/health';
import { httpHandler } from '#shared/http/handler';

export const handler = httpHandler(spec, async () => checkHealth(getDb()));
