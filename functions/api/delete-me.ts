import { deleteMe as spec } from '#lib/topology';
import { eraseAccount } from '#shared/account/erasure';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';

export const handler = httpHandler(spec, async ({ userId }) => {
  await eraseAccount(getDb(), userId);
  return respond(204);
});
