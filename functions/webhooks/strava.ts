// POST /api/v1/webhooks/strava: one Strava event -> one ActivityReceived, once. Strava wants 200 within 2 s.
import { stravaWebhook as spec } from '#lib/topology';
import { httpHandler } from '#shared/http/handler';
import { intake } from '#shared/webhooks/intake';
import { stravaDecision } from '#shared/webhooks/strava';

export const handler = httpHandler(spec, async ({ body }) => {
  const decision = stravaDecision(body);
  if (decision.kind === 'ignore') return { status: 'ignored' as const };
  const [receipt] = await intake(spec.timeoutSeconds * 1000).receive([decision.item]);
  return { status: receipt!.status };
});
