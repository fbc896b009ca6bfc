// Hourly: athletes whose local day just ended get TrainingDayClosed (shared/metrics/day-close.ts).
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import { closeTrainingDays } from '#shared/metrics/day-close';
import { withLambdaContext } from '#shared/logger';

export const handler = withLambdaContext(async (): Promise<{ closed: number }> => {
  const closed = await closeTrainingDays(getDb(), eventBridgePublisher, clock().now());
  logger.info('training days closed', { closed });
  return { closed };
});
