import { logDailyMetrics as spec } from '../../lib/topology';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';
import { upsertDailyMetrics } from '../../shared/metrics/daily-metrics';

export const handler = httpHandler(spec, async ({ body, userId }) => {
  const [day] = await upsertDailyMetrics(getDb(), userId, [body], { fieldName: (_, field) => `body.${field}` });
  return day!;
});
