// DELETE /api/v1/integrations/{vendor}: forget the vendor's tokens; the link stays as 'disconnected'.
import { disconnectVendor as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler, respond } from '#shared/http/handler';
import { disconnectVendor } from '#shared/vendors/integrations';

export const handler = httpHandler(spec, async ({ params, userId }) => {
  await disconnectVendor(getDb(), userId, params.vendor, clock().now());
  return respond(204);
});
