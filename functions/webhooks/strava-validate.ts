// GET /api/v1/webhooks/strava: Strava checks that we own the callback before it creates the subscription.
import { stravaSubscriptionValidation as spec } from '#lib/topology';
import { Forbidden } from '#shared/errors';
import { httpHandler } from '#shared/http/handler';
import { vendorCredentials } from '#shared/vendors/credentials';
import { answerSubscriptionValidation } from '#shared/vendors/strava/webhook';

export const handler = httpHandler(spec, async ({ query }) => {
  const { verifyToken } = (await vendorCredentials()).strava;
  // No verify token configured: nobody can know it, so nobody is answered.
  const answer = verifyToken ? answerSubscriptionValidation(query, verifyToken) : { status: 403 as const };
  if (answer.status !== 200) throw new Forbidden('The verify token does not match');
  return answer.body;
});
