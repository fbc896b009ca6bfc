// POST /api/v1/webhooks/strava: one Strava event -> one ActivityReceived, once. Strava wants 200 within 2 s.
import { functions } from '../../lib/topology';
import { Forbidden } from '../../shared/http/errors';
import { httpHandler } from '../../shared/http/handler';
import { logger } from '../../shared/logger';
import { vendorCredentials } from '../../shared/vendors/credentials';
import { intake } from '../../shared/webhooks/intake';
import { stravaDecision } from '../../shared/webhooks/strava';

const spec = functions.stravaWebhook;

export const handler = httpHandler(spec, async ({ body }) => {
  const decision = stravaDecision(body, (await vendorCredentials()).strava.subscriptionId);
  if (decision.kind === 'forbidden') {
    logger.warn('strava event for another subscription refused', { subscriptionId: body.subscription_id });
    throw new Forbidden(decision.reason);
  }
  if (decision.kind === 'ignore') return { status: 'ignored' as const };
  const [receipt] = await intake(spec.timeoutSeconds * 1000).receive([decision.item]);
  return { status: receipt!.status };
});
