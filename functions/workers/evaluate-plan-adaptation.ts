// DailyMetricLogged / RiskAlertRaised / WorkoutMissed -> the plan adapts (shared/adaptation/service.ts): today's
// workout follows the morning's readiness, a risk alert cuts or varies what comes, a missed long run moves.
// Each service re-reads the database, so duplicate, late and reordered deliveries change nothing twice.
import { evaluatePlanAdaptation as spec } from '#lib/topology';
import { adaptToMissedWorkout, adaptToRiskAlert, adaptToTodaysReadiness } from '#shared/adaptation/service';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { DetailType } from '#shared/events/catalogue';
import { queueWorker } from '#shared/events/consumer';

type Handled = typeof DetailType.DailyMetricLogged | typeof DetailType.RiskAlertRaised | typeof DetailType.WorkoutMissed;

export const handler = queueWorker<Handled>(spec, async (event) => {
  const now = clock().now();
  if (event.detailType === DetailType.DailyMetricLogged) await adaptToTodaysReadiness(getDb(), event.detail.userId, now);
  else if (event.detailType === DetailType.RiskAlertRaised) await adaptToRiskAlert(getDb(), event.detail.userId, event.detail.alertId, now);
  else await adaptToMissedWorkout(getDb(), event.detail.userId, event.detail.scheduledWorkoutId, now);
});
