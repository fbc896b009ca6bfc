// Streams the account export (shared/account/export.ts) straight from keyset-paged queries to the client.
import { exportMe as spec } from '#lib/topology';
import { exportAccount } from '#shared/account/export';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { streamingHttpHandler } from '#shared/http/streaming';

export const handler = streamingHttpHandler(spec, async ({ userId }) => {
  const now = clock().now();
  return {
    headers: { 'Content-Disposition': `attachment; filename="running-coach-export-${now.toISOString().slice(0, 10)}.json"` },
    body: exportAccount(getDb(), userId, now),
  };
});
