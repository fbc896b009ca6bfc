import { listDailyMetrics as spec } from '#lib/topology';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { listDailyMetrics } from '#shared/metrics/daily-metrics';

export const handler = httpHandler(spec, async ({ query, userId }) => ({
  days: await listDailyMetrics(getDb(), userId, query),
}));
