// Every minute: events whose writer committed but could not publish them (shared/events/outbox.ts).
import { getDb } from '../../shared/db/connection';
import { relayOutbox } from '../../shared/events/outbox';
import { eventBridgePublisher } from '../../shared/events/publisher';
import { logger } from '../../shared/logger';
import { withLambdaContext } from '../../shared/logger';

export const handler = withLambdaContext(async (): Promise<{ published: number }> => {
  const published = await relayOutbox(getDb(), eventBridgePublisher);
  if (published > 0) logger.info('outbox relayed', { published });
  return { published };
});
