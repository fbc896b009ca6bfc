// Generated from lib/topology.ts: every authenticated route is called as user B against user A's data.
// B must get 404 for A's resources, or only B's own (empty) data — never anything of A's, and A's rows
// must come out unchanged. A new route joins this test by existing; if the test cannot tell how to call it
// (a path parameter or a body it does not know), it fails and says what to add to `cases` below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '#lib/topology';
import { isHttp, type FunctionSpec, type HttpFunctionSpec } from '#shared/topology-types';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser } from '#test/support/auth';
import { startFakeStrava, type FakeStrava } from '#test/support/fake-strava';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';
import { fingerprint, seedEverything, type SeededResources } from '#test/support/seed';

const local = useLocalRuntime();

interface RouteCase {
  /** Path parameters naming A's resources. */
  params?: (a: SeededResources) => Record<string, string>;
  /** Path parameters that name something of the caller's own (e.g. a vendor), not A's resource: no 404 expected. */
  ownScope?: true;
  query?: (a: SeededResources) => Record<string, string>;
  /** A valid body, so the request reaches the ownership check rather than stopping at validation. */
  body?: (a: SeededResources) => unknown;
  /** The route cannot be exercised here; say why (it is reported, not silently dropped). */
  skip?: string;
  /** The status B's own request must get when it is more than "not a 5xx" (it really did its work). */
  status?: number;
  /** Why B's request, valid by the document, may be refused with 400/422 (see useLocalRuntime). */
  semantic?: string;
}

/** Path parameters whose name says which resource of A's they are. */
const resourceParams: Record<string, (a: SeededResources) => string> = {
  activityId: (a) => a.activityId,
  planId: (a) => a.planId,
  workoutId: (a) => a.workoutId,
  notificationId: (a) => a.notificationId,
  taskId: (a) => a.taskId,
  alertId: (a) => a.alertId,
  rejectionId: (a) => a.rejectionId,
  connectionId: (a) => a.connectionId,
};

/** Keyed `METHOD path` as in the topology. Add an entry when the test asks for one. */
const cases: Record<string, RouteCase> = {
  'PATCH /api/v1/me': { body: () => ({ profile: { weightKg: 70 }, settings: { timeZone: 'Europe/Paris' } }) },
  // B tries the very day, start time and vendor ids of A's data.
  'POST /api/v1/activities': { body: () => ({ startTime: '2026-03-09T06:30:00Z', durationMinutes: 45, rpe: 5 }) },
  'GET /api/v1/activities/{id}': { params: (a) => ({ id: a.activityId }) },
  'PATCH /api/v1/activities/{id}': { params: (a) => ({ id: a.activityId }), body: () => ({ rpe: 9, notes: 'not yours' }) },
  'DELETE /api/v1/activities/{id}': { params: (a) => ({ id: a.activityId }) },
  'POST /api/v1/notifications/{id}/read': { params: (a) => ({ id: a.notificationId }) },
  'POST /api/v1/daily-metrics': { body: () => ({ date: '2026-03-09', restingHr: 55, soreness: 3 }) },
  'GET /api/v1/daily-metrics': { query: () => ({ from: '2026-03-01', to: '2026-03-31' }) },
  'GET /api/v1/metrics/load': { query: () => ({ from: '2026-03-01', to: '2026-03-31' }) },
  'POST /api/v1/webhooks/apple': {
    body: () => ({ workouts: [], dailies: [{ date: '2026-03-09', restingHeartRate: 52 }] }),
  },
  // B's offline batch names A's activity, notification and task: each is answered not found, and nothing of A's changes.
  'POST /api/v1/sync': {
    body: (a) => ({
      mutations: [
        {
          clientMutationId: '6f1c2b9e-1d7a-4c55-9a55-0c9f3f6b2a01',
          entity: 'activity',
          op: 'upsert',
          id: a.activityId,
          data: { rpe: 9, notes: 'not yours' },
          clientTimestamp: '2026-03-10T08:00:00Z',
        },
        {
          clientMutationId: '6f1c2b9e-1d7a-4c55-9a55-0c9f3f6b2a02',
          entity: 'activity',
          op: 'delete',
          id: a.activityId,
          clientTimestamp: '2026-03-10T08:00:00Z',
        },
        {
          clientMutationId: '6f1c2b9e-1d7a-4c55-9a55-0c9f3f6b2a03',
          entity: 'notification',
          op: 'read',
          id: a.notificationId,
          clientTimestamp: '2026-03-10T08:00:00Z',
        },
        {
          clientMutationId: '6f1c2b9e-1d7a-4c55-9a55-0c9f3f6b2a04',
          entity: 'task',
          op: 'complete',
          id: a.taskId,
          data: { rpe: 3 },
          clientTimestamp: '2026-03-10T08:00:00Z',
        },
        { clientMutationId: '6f1c2b9e-1d7a-4c55-9a55-0c9f3f6b2a05', entity: 'task', op: 'skip', id: a.taskId, clientTimestamp: '2026-03-10T08:00:00Z' },
      ],
    }),
    status: 200,
  },
  // B plans its own race: A's plan (seeded active) must stay as it was, and B sees only its own new plan.
  'POST /api/v1/onboarding': {
    body: () => ({
      goal: { raceDistance: '10k', raceDate: new Date(Date.now() + 12 * 7 * 86_400_000).toISOString().slice(0, 10) },
      availability: { daysPerWeek: 4, longRunDay: 'sun' },
      current: { weeklyMinutes: 150, experience: 'intermediate' },
    }),
    status: 201,
  },
  // B restores A's adapted workout: 404, and A's workout stays as it is.
  'POST /api/v1/plan/workouts/{id}/restore': { params: (a) => ({ id: a.workoutId }) },
  // B has no plan of its own: 404, whatever A's is.
  'POST /api/v1/plan/regenerate': { body: () => ({ goal: { goalTimeMinutes: 50 } }), status: 404 },
  'POST /api/v1/integrations/garmin/connect': { body: () => ({ garminUserId: 'garmin-of-b', userAccessToken: 'token-of-b' }) },
  'DELETE /api/v1/integrations/{vendor}': { params: () => ({ vendor: 'strava' }), ownScope: true },
  // B links its own Strava athlete (through the local Strava fake); nothing of A's may come back or change.
  'POST /api/v1/integrations/strava/connect': { body: () => ({ code: strava.issueCode(undefined, 424242) }), status: 201 },
};

let strava: FakeStrava;
let services: WebhookServices;
let a: SeededResources & { email: string };

beforeAll(async () => {
  strava = await startFakeStrava();
  services = useWebhookServices({ STRAVA_API_URL: strava.url });
  const owner = await createTestUser(local.db);
  a = { ...(await seedEverything(local.db, owner.userId)), email: owner.email };
});
afterAll(async () => {
  await services?.close();
  await strava?.close();
});

const userRoutes = Object.entries(functions as Record<string, FunctionSpec>)
  .filter((entry): entry is [string, HttpFunctionSpec] => isHttp(entry[1]) && entry[1].trigger.auth === 'user')
  .map(([name, spec]) => ({ name, ...spec.trigger, key: `${spec.trigger.method} ${spec.trigger.path}` }));

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);

/** Everything that identifies A or A's rows; none of it may reach B. */
const secretsOfA = () => [
  a.userId,
  a.email,
  a.marker,
  a.vendorUserId,
  a.activityId,
  a.planId,
  a.workoutId,
  a.notificationId,
  a.taskId,
  a.alertId,
  a.rejectionId,
  a.connectionId,
];

describe('every authenticated route', () => {
  it('is known to this test', () => {
    expect(userRoutes.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const route of userRoutes) {
      const known = cases[route.key];
      if (known?.skip) continue;
      const unknownParams = paramNames(route.path).filter((p) => !known?.params && !resourceParams[p]);
      if (unknownParams.length > 0) problems.push(`${route.key}: add cases['${route.key}'].params (or a resourceParams entry for ${unknownParams.join(', ')})`);
      if (route.schemas.body && !known?.body) problems.push(`${route.key}: add cases['${route.key}'].body, a valid request body`);
    }
    for (const key of Object.keys(cases)) if (!userRoutes.some((r) => r.key === key)) problems.push(`cases['${key}'] names no authenticated route`);
    expect(problems, 'test/e2e/ownership.test.ts does not know how to call these routes').toEqual([]);
  });

  it.each(userRoutes.map((r) => [r.key, r] as const))('%s refuses a request without a token', async (_key, route) => {
    const path = route.path.replace(/\{(\w+)\+?\}/g, '00000000-0000-4000-8000-000000000000');
    const res = await local.fetch(path, { method: route.method });
    expect(res.status).toBe(401);
  });

  it.each(userRoutes.map((r) => [r.key, r] as const))("%s never gives user B user A's data", async (key, route) => {
    const known = cases[key] ?? {};
    const missing = paramNames(route.path).filter((p) => !known.params && !resourceParams[p]);
    if (missing.length > 0 || (route.schemas.body && !known.body && !known.skip)) {
      throw new Error(`${key}: the test does not know how to call it; add an entry to \`cases\` in test/e2e/ownership.test.ts`);
    }
    if (known.skip) {
      console.warn(`ownership: skipped ${key}: ${known.skip}`);
      return;
    }
    const b = await createTestUser(local.db);
    const before = await fingerprint(local.db, a.userId);
    const params = known.params?.(a) ?? Object.fromEntries(paramNames(route.path).map((p) => [p, resourceParams[p]!(a)]));
    const query = known.query ? `?${new URLSearchParams(known.query(a))}` : '';
    const path = route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent(params[name]!)) + query;
    const body = known.body?.(a);
    const res = await local.fetch(path, {
      method: route.method,
      semantic: known.semantic,
      headers: { ...b.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();

    if (paramNames(route.path).length > 0 && !known.ownScope) expect(res.status, `${key} as B on A's resource`).toBe(404);
    else expect(res.status, `${key} as B: ${text.slice(0, 300)}`).toBeLessThan(500);
    if (known.status !== undefined) expect(res.status, `${key} as B: ${text.slice(0, 300)}`).toBe(known.status);
    // The ids B itself put in the path may be echoed back (problem+json `instance`); anything else of A's may not.
    const sent = new Set(Object.values(params));
    for (const secret of secretsOfA().filter((s) => !sent.has(s))) expect(text, `${key} leaked ${secret}`).not.toContain(secret);
    await local.runtime.drain();
    expect(await fingerprint(local.db, a.userId), `${key} as B changed A's data`).toBe(before);
  });
});
