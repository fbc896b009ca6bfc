// Hourly: athletes whose local midnight passed close their past planned workouts (shared/adaptation/sweep.ts).
import { sweepPastWorkouts } from '#shared/adaptation/sweep';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { homeChanged } from '#shared/home/cache';
import { logger } from '#shared/logger';

export const handler = async (): Promise<{ completed: number; missed: number }> => {
  const { completed, missed, userIds } = await sweepPastWorkouts(getDb(), eventBridgePublisher, clock().now());
  await homeChanged(...userIds);
  logger.info('past workouts closed', { completed, missed });
  return { completed, missed };
};
