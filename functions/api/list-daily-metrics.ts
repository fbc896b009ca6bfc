import { functions } from '../../lib/topology';
import { getDb } from '../../shared/db/connection';
import { httpHandler } from '../../shared/http/handler';
import { listDailyMetrics } from '../../shared/metrics/daily-metrics';

export const handler = httpHandler(functions.listDailyMetrics, async ({ query, userId }) => ({
  days: await listDailyMetrics(getDb(), userId, query),
}));
