// POST /api/v1/webhooks/garmin: a push of many summaries -> one ActivityReceived per summary, each once.
import { garminWebhook as spec } from '#lib/topology';
import { Forbidden } from '#shared/errors';
import { httpHandler } from '#shared/http/handler';
import { logger } from '#shared/logger';
import { vendorCredentials } from '#shared/vendors/credentials';
import { addressedToUs, garminIntakeItems } from '#shared/webhooks/garmin';
import { intake } from '#shared/webhooks/intake';

export const handler = httpHandler(spec, async ({ body, headers }) => {
  if (!addressedToUs(headers, (await vendorCredentials()).garmin.consumerKey)) {
    logger.warn('garmin push for another consumer refused');
    throw new Forbidden('The push is addressed to another consumer');
  }
  const receipts = await intake(spec.timeoutSeconds * 1000).receive(garminIntakeItems(body));
  const accepted = receipts.filter((r) => r.status === 'accepted').length;
  return { accepted, duplicates: receipts.length - accepted };
});
