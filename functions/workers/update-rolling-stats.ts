// ActivityRecorded / DailyMetricLogged / TrainingDayClosed -> the user's rolling stats from the changed day on, and the risk
// alerts they raise (RiskAlertRaised + a notification). Messages of one batch for one user share one recompute.
import { updateRollingStats as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { DetailType } from '#shared/events/catalogue';
import { queueWorker } from '#shared/events/consumer';
import { eventBridgePublisher } from '#shared/events/publisher';
import { coalescePerKey } from '#shared/metrics/coalesce';
import { NO_LOAD_CHANGE, recomputeRollingStats } from '#shared/metrics/rolling-stats';

// The time is read when a coalesced run starts: it may wait for an earlier run of the same user.
const recompute = coalescePerKey((userId, from) => recomputeRollingStats({ db: getDb(), publisher: eventBridgePublisher, now: clock().now() }, userId, from));

export const handler = queueWorker<typeof DetailType.ActivityRecorded | typeof DetailType.DailyMetricLogged | typeof DetailType.TrainingDayClosed>(
  spec,
  async (event) => {
    // A check-in or a closed day moves no load; it only asks for the series (and its alerts) to reach the athlete's today.
    const from = event.detailType === DetailType.ActivityRecorded ? event.detail.localDate : NO_LOAD_CHANGE;
    await recompute(event.detail.userId, from);
  },
);
