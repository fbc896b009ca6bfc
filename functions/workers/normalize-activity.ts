// ActivityReceived -> activities and daily metrics. The batch is applied set-based in one transaction;
// only the messages that fail are retried (shared/activities/normalize.ts).
import { normalizeActivity as spec } from '#lib/topology';
import { createNormalizer } from '#shared/activities/normalize';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { batchWorker } from '#shared/events/batch-worker';
import { eventBridgePublisher } from '#shared/events/publisher';
import { requeueLater } from '#shared/events/requeue';
import { upsertDailyMetrics } from '#shared/metrics/daily-metrics';
import { claimCheckReader, stravaActivities, vendorConnections } from '#shared/vendors/adapters';
import { vendorCredentials } from '#shared/vendors/credentials';

let normalize: ReturnType<typeof createNormalizer> | undefined;
// Read at each use, so a clock the local runtime or a test pins later is the one seen.
const currentClock = { now: () => clock().now() };

// Built on first use, once per container: the database handle exists only after the runtime chose it.
function normalizer() {
  return (normalize ??= createNormalizer({
    db: getDb(),
    connections: vendorConnections(getDb(), currentClock),
    strava: stravaActivities(getDb(), currentClock),
    claimChecks: claimCheckReader(),
    publisher: eventBridgePublisher,
    requeue: requeueLater,
    // 'skip': one implausible vendor day (or one dated after the athlete's today) does not lose the others.
    dailyMetrics: async (userId, days, now) =>
      void (await upsertDailyMetrics({ db: getDb(), publisher: eventBridgePublisher, now }, userId, days, { invalid: 'skip' })),
    stravaSubscriptionId: async () => (await vendorCredentials()).strava.subscriptionId,
  }));
}

export const handler = batchWorker<'ActivityReceived'>(spec, async (messages) =>
  normalizer()(
    messages.map(({ record, event }) => ({ messageId: record.messageId, record, detail: event.detail, time: event.time })),
    clock().now(),
  ),
);
