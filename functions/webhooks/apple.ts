// POST /api/v1/webhooks/apple: the app relays HealthKit workouts and dailies as the signed-in user;
// each becomes one ActivityReceived (with the user's id), once. 202 with a result per item.
import { appleRelay as spec } from '#lib/topology';
import { httpHandler } from '#shared/http/handler';
import { appleIntakeItems } from '#shared/webhooks/apple';
import { intake } from '#shared/webhooks/intake';

export const handler = httpHandler(spec, async ({ body, userId }) => {
  const entries = appleIntakeItems(body, userId);
  const receipts = await intake(spec.timeoutSeconds * 1000).receive(entries.map((e) => e.item));
  return { results: entries.map((e, i) => ({ ...e.ref, status: receipts[i]!.status })) };
});
