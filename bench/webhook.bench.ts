// Webhook handlers warm, in one process: the Strava event and a two-activity Garmin push through the real
// handler (middleware, zod, idempotency record written and completed, PutEvents), and a retry answered from
// the idempotency record, each beside a bare handler measured in the same run: the same route's middleware
// (header normalisation, size limit, JSON parsing, zod validation, problem+json) around no work.
// EventBridge is mocked with aws-sdk-client-mock (answers at once); idempotency records live in the
// in-memory cache, or in Redis with REDIS_URL=redis://127.0.0.1:6379 (then the ratio includes its round trips).
//   npm run bench webhook
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { functions } from '#lib/topology';
import { InMemoryCache, redisCache, setCacheClient } from '#shared/cache/client';
import { resetConfig } from '#shared/config';
import { InMemoryClaimCheckStore, setClaimCheckStore } from '#shared/events/claim-check';
import { httpHandler } from '#shared/http/handler';
import { resetVendorCredentials } from '#shared/vendors/credentials';
import { resetIntake } from '#shared/webhooks/intake';
import { percentile, timeIt } from './support';

// Sub-millisecond figures: three decimals.
const ms = (n: number) => `${n.toFixed(3)} ms`;

const RUNS = 2000;
const samples = new URL('../test/fixtures/reference/vendors/', import.meta.url);
const sample = (file: string) => JSON.parse(readFileSync(new URL(file, samples), 'utf8')) as Record<string, any>;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function post(body: string): APIGatewayProxyEvent {
  return {
    resource: '/',
    path: '/',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID() } as APIGatewayProxyEvent['requestContext'],
  };
}

export default async function webhookBench(): Promise<void> {
  Object.assign(process.env, { STRAVA_SUBSCRIPTION_ID: '120475', STRAVA_VERIFY_TOKEN: 'bench', POWERTOOLS_LOG_LEVEL: 'ERROR' });
  resetConfig();
  resetVendorCredentials();
  const cache = process.env.REDIS_URL ? redisCache(process.env.REDIS_URL) : new InMemoryCache();
  setCacheClient(cache);
  setClaimCheckStore(new InMemoryClaimCheckStore());
  resetIntake();
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: String(i) })),
  }));

  const { handler: strava } = (await import('#functions/webhooks/strava')) as { handler: Handler };
  const { handler: garmin } = (await import('#functions/webhooks/garmin')) as { handler: Handler };
  const bareStrava = httpHandler(functions.stravaWebhook, async () => ({ status: 'accepted' as const })) as unknown as Handler;
  const bareGarmin = httpHandler(functions.garminWebhook, async () => ({ accepted: 0, duplicates: 0 })) as unknown as Handler;

  const event = sample('strava-event-create.json');
  let n = 0;
  // A new event every call (a new event_time), so each one is written, published and completed.
  const freshStrava = () => JSON.stringify({ ...event, event_time: 1_800_000_000 + n++ * 7 + Math.floor(Math.random() * 7) });
  const push = sample('garmin-push-activities.json');
  const freshGarmin = () => {
    const stamp = `${Date.now()}-${n++}`;
    return JSON.stringify({ activities: push.activities.map((a: Record<string, unknown>, i: number) => ({ ...a, summaryId: `${stamp}-${i}` })) });
  };
  const retried = JSON.stringify({ ...event, event_time: 1_700_000_001 });

  const check = async (handler: Handler, body: string, status: number) => {
    const res = await handler(post(body), context);
    if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  };
  await check(strava, retried, 200);

  const rows: Array<[string, number[]]> = [
    ['bare handler, Strava route (middleware + zod, no work)', await timeIt(RUNS, () => check(bareStrava, freshStrava(), 200), 200)],
    ['Strava event: new (idempotency + PutEvents)', await timeIt(RUNS, () => check(strava, freshStrava(), 200), 200)],
    ['Strava event: retry (the completed record, cached in the container)', await timeIt(RUNS, () => check(strava, retried, 200), 200)],
    ['bare handler, Garmin route (2 activities)', await timeIt(RUNS, () => check(bareGarmin, freshGarmin(), 200), 200)],
    ['Garmin push: 2 new activities', await timeIt(RUNS, () => check(garmin, freshGarmin(), 200), 200)],
  ];

  const bare = percentile(rows[0]![1], 50);
  const bareG = percentile(rows[3]![1], 50);
  console.log(`idempotency store: ${process.env.REDIS_URL ? `Redis (${process.env.REDIS_URL})` : 'in memory'}; EventBridge mocked; ${RUNS} warm runs each`);
  console.log('| case | p50 | p95 | p50 / bare |');
  console.log('|---|---|---|---|');
  for (const [label, times] of rows) {
    const base = label.includes('Garmin') ? bareG : bare;
    console.log(`| ${label} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} | ${(percentile(times, 50) / base).toFixed(2)}x |`);
  }
  eventBridge.restore();
  if ('close' in cache) await (cache as { close(): Promise<void> }).close();
}
