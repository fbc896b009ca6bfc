// Every minute: events whose writer committed but could not publish them (shared/events/outbox.ts).
// The age of the oldest waiting event is logged before the relay runs, so a relay that keeps failing
// still reports a growing age (the OutboxAge alarm reads it from this log line: lib/aws/monitoring.ts).
import { getDb } from '#shared/db/connection';
import { oldestOutboxAgeSeconds, relayOutbox } from '#shared/events/outbox';
import { eventBridgePublisher } from '#shared/events/publisher';
import { logger, withLambdaContext } from '#shared/logger';

export const handler = withLambdaContext(async (): Promise<{ published: number }> => {
  logger.info('outbox age', { oldestAgeSeconds: await oldestOutboxAgeSeconds(getDb()) });
  const published = await relayOutbox(getDb(), eventBridgePublisher);
  if (published > 0) logger.info('outbox relayed', { published });
  return { published };
});
