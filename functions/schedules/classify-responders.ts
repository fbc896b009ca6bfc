// Weekly: every athlete with a training series gets a responder class, or the reason there is none
// (shared/responders/classify.ts).
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { logger } from '#shared/logger';
import { classifyResponders, type ResponderRunSummary } from '#shared/responders/classify';

export const handler = async (): Promise<ResponderRunSummary> => {
  const summary = await classifyResponders(getDb(), clock().now());
  logger.info('responders classified', { ...summary });
  return summary;
};
