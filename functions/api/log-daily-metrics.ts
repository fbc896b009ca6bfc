import { logDailyMetrics as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { eventBridgePublisher } from '#shared/events/publisher';
import { httpHandler } from '#shared/http/handler';
import { upsertDailyMetrics } from '#shared/metrics/daily-metrics';

export const handler = httpHandler(spec, async ({ body, userId }) => {
  const deps = { db: getDb(), publisher: eventBridgePublisher, now: clock().now() };
  const [day] = await upsertDailyMetrics(deps, userId, [body], { fieldName: (_, field) => `body.${field}` });
  return day!;
});
