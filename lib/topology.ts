// ONE declaration of every function, route, event rule, queue and schedule. Pure data: lib/aws builds
// the CDK stack from it and lib/local runs it in one process. Handlers import their own entry from here,
// so a route's schemas, auth and limits are stated once.
//
// Each entry is its own `export const name = /* @__PURE__ */ apiRoute({...})` (an HTTP route) or
// `defineFunction({...})` (everything else), listed again in `functions` at the end, and its handler imports
// only it (`import { name as spec } from '#lib/topology'`): the Lambda bundler then keeps that entry
// and its contracts and drops every other route's (package.json declares the project free of import side
// effects). Add a route the same way: an exported const here, its name in `functions`, and `spec` in the
// handler. Keep each entry's values literal (`16_384`, not
// `16 * 1024`; `'ActivityReceived'`, not `DetailType.ActivityReceived`): esbuild counts arithmetic and
// property reads as possible side effects and would then keep the entry in every bundle
// (test/cdk/bundles.test.ts checks that a bundle holds no other entry).
import { HealthResponse } from '#shared/contracts/health';
import {
  AppleRelayResponse,
  GarminConnectBody,
  GarminWebhookResponse,
  StravaChallengeResponse,
  StravaConnectBody,
  StravaWebhookResponse,
  VendorConnectionResponse,
  VendorParams,
} from '#shared/contracts/webhooks';
import { AppleRelay } from '#shared/vendors/apple/relay';
import { GarminPush } from '#shared/vendors/garmin/push';
import { StravaEvent, StravaSubscriptionQuery } from '#shared/vendors/strava/webhook';
import { LoginBody, LogoutBody, RefreshBody, RegisterBody, TokenPairResponse } from '#shared/contracts/auth';
import { MeResponse, UpdateMeBody } from '#shared/contracts/me';
import { AccountExport } from '#shared/contracts/export';
import { DailyMetricsDay, DailyMetricsList, DateRangeQuery, LoadReport, LogDailyMetricsBody } from '#shared/contracts/metrics';
import { ActivityIdParams, Activity, ActivityList, CreateActivityBody, ListActivitiesQuery, UpdateActivityBody } from '#shared/contracts/activities';
import { IngestRejectionList } from '#shared/contracts/ingest';
import { ListNotificationsQuery, Notification, NotificationIdParams, NotificationList } from '#shared/contracts/notifications';
import { TaskList } from '#shared/contracts/tasks';
import { defineFunction, type FunctionSpec, type HttpFunctionSpec, type HttpTrigger, type RouteAuth, type RouteSchemas } from '#shared/topology-types';
import { CurrentPlan, CurrentPlanQuery, OnboardingBody, PlanChangeList, RegenerateBody, Workout, WorkoutIdParams } from '#shared/contracts/plans';
import { Home } from '#shared/contracts/home';
import { PullQuery, PushBody, PushResponse, SyncPage } from '#shared/contracts/sync';

/** An API route as `apiRoute` takes it: `memoryMb` and `timeoutSeconds` may be left out, and the trigger's kind is implied. */
type ApiRouteSpec<S extends RouteSchemas, A extends RouteAuth> = Omit<HttpFunctionSpec<S, A>, 'memoryMb' | 'timeoutSeconds' | 'trigger'> & {
  memoryMb?: number;
  timeoutSeconds?: number;
  trigger: Omit<HttpTrigger<S, A>, 'kind'>;
};

/**
 * An HTTP route with the defaults most routes share: 256 MB and 10 s (API Gateway gives up at 29 s). Free of
 * side effects like `defineFunction`, so a bundle that does not use an entry drops it.
 */
/* @__NO_SIDE_EFFECTS__ */
function apiRoute<S extends RouteSchemas, A extends RouteAuth>({
  entry,
  description,
  memoryMb = 256,
  timeoutSeconds = 10,
  access,
  trigger,
}: ApiRouteSpec<S, A>): HttpFunctionSpec<S, A> {
  return defineFunction({ entry, description, memoryMb, timeoutSeconds, access, trigger: { kind: 'http', ...trigger } });
}

export const health = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/health.ts',
  description: 'Liveness with a real database round trip',
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/health',
    auth: 'public',
    summary: 'Service and database health',
    schemas: { response: HealthResponse },
  },
});
// ---- accounts and auth (issue 3) ----
export const authorizer = /* @__PURE__ */ defineFunction({
  entry: 'functions/auth/authorizer.ts',
  description: 'Verifies the bearer access token and that its user still exists',
  memoryMb: 256,
  timeoutSeconds: 5,
  access: ['jwtKeys', 'database'],
  // API Gateway caches the Allow per token for a minute: a burst of requests (the app's first screen
  // fires several) costs one authorizer run and one user lookup instead of one each. An access token
  // lives 15 minutes, so the cache never outlives it by more than a minute; an erased account's token
  // keeps passing the gateway for at most that minute, during which its requests find no rows (all
  // cascaded away) and cannot write any (every table references users).
  trigger: { kind: 'authorizer', resultTtlSeconds: 60 },
});
export const getMe = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/get-me.ts',
  description: "The athlete's account: profile, settings, baselines, responder class",
  access: ['database'],
  trigger: { method: 'GET', path: '/api/v1/me', auth: 'user', summary: 'Read my account', schemas: { response: MeResponse } },
});
export const updateMe = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/update-me.ts',
  description: 'Changes any part of the profile, settings, baselines or responder class',
  access: ['database', 'cache'],
  trigger: {
    method: 'PATCH',
    path: '/api/v1/me',
    auth: 'user',
    summary: 'Update my account',
    maxBodyBytes: 16_384,
    schemas: { body: UpdateMeBody, response: MeResponse },
  },
});
export const exportMe = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/export-me.ts',
  description: 'Streams everything stored about the athlete as one JSON document',
  memoryMb: 512,
  // Streaming lifts API Gateway's 29 s limit; years of samples take a while at 2 MB/s past 10 MB.
  timeoutSeconds: 300,
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/me/export',
    auth: 'user',
    stream: true,
    summary: 'Export my data',
    schemas: { response: AccountExport },
  },
});
export const deleteMe = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/delete-me.ts',
  description: 'Erases the account and every row and vendor token that belongs to it',
  timeoutSeconds: 30,
  access: ['database', 'cache'],
  trigger: { method: 'DELETE', path: '/api/v1/me', auth: 'user', summary: 'Erase my account', successStatus: 204, schemas: {} },
});
// scrypt (32 MiB, p=3) needs CPU: Lambda grants it in proportion to memory.
export const register = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/register.ts',
  description: 'Creates an account and signs it in',
  memoryMb: 1024,
  access: ['database', 'jwtKeys'],
  trigger: {
    method: 'POST',
    path: '/api/v1/auth/register',
    auth: 'public',
    summary: 'Register',
    successStatus: 201,
    maxBodyBytes: 4_096,
    schemas: { body: RegisterBody, response: TokenPairResponse },
  },
});
export const login = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/login.ts',
  description: 'Signs in with email and password (throttled per email)',
  memoryMb: 1024,
  access: ['database', 'jwtKeys'],
  trigger: {
    method: 'POST',
    path: '/api/v1/auth/login',
    auth: 'public',
    summary: 'Sign in',
    maxBodyBytes: 4_096,
    schemas: { body: LoginBody, response: TokenPairResponse },
  },
});
export const refresh = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/refresh.ts',
  description: 'Exchanges a refresh token for a new pair (single use; reuse revokes the chain)',
  access: ['database', 'jwtKeys'],
  trigger: {
    method: 'POST',
    path: '/api/v1/auth/refresh',
    auth: 'public',
    summary: 'Refresh tokens',
    maxBodyBytes: 4_096,
    schemas: { body: RefreshBody, response: TokenPairResponse },
  },
});
export const logout = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/logout.ts',
  description: "Revokes a refresh token's session",
  access: ['database'],
  trigger: {
    method: 'POST',
    path: '/api/v1/auth/logout',
    auth: 'public',
    summary: 'Sign out',
    successStatus: 204,
    maxBodyBytes: 4_096,
    schemas: { body: LogoutBody },
  },
});
// ---- vendor webhooks and integrations (issue 5, webhook half) ----
// Webhooks: authenticate, validate, deduplicate (idempotency records in the cache), publish
// ActivityReceived, answer. No database on this path; large payloads go by claim check.
export const stravaSubscriptionValidation = /* @__PURE__ */ apiRoute({
  entry: 'functions/webhooks/strava-validate.ts',
  description: "Answers Strava's webhook subscription validation with the challenge, for our verify token only",
  timeoutSeconds: 5,
  access: ['vendorSecrets'],
  trigger: {
    method: 'GET',
    path: '/api/v1/webhooks/strava',
    auth: 'public',
    summary: 'Strava subscription validation',
    schemas: { query: StravaSubscriptionQuery, response: StravaChallengeResponse },
  },
});
export const stravaWebhook = /* @__PURE__ */ apiRoute({
  entry: 'functions/webhooks/strava.ts',
  description: 'Strava events (activity create/update/delete, athlete deauthorization) to ActivityReceived',
  access: ['vendorSecrets', 'cache', 'bus', 'claimChecks'],
  trigger: {
    method: 'POST',
    path: '/api/v1/webhooks/strava',
    auth: 'public',
    summary: 'Strava webhook events',
    // An event is a few hundred bytes.
    maxBodyBytes: 16_384, // 16 KiB
    schemas: { body: StravaEvent, response: StravaWebhookResponse },
  },
});
export const garminWebhook = /* @__PURE__ */ apiRoute({
  entry: 'functions/webhooks/garmin.ts',
  description: 'Garmin push notifications (activities, details, wellness, deregistrations) to ActivityReceived, one per summary',
  memoryMb: 512,
  timeoutSeconds: 30,
  access: ['vendorSecrets', 'cache', 'bus', 'claimChecks'],
  trigger: {
    method: 'POST',
    path: '/api/v1/webhooks/garmin',
    auth: 'public',
    summary: 'Garmin push notifications',
    // activityDetails carry samples: a long session is megabytes.
    maxBodyBytes: 5_242_880, // 5 MiB
    schemas: { body: GarminPush, response: GarminWebhookResponse },
  },
});
export const appleRelay = /* @__PURE__ */ apiRoute({
  entry: 'functions/webhooks/apple.ts',
  description: 'HealthKit workouts and dailies relayed by the app, to ActivityReceived for the signed-in user',
  memoryMb: 512,
  timeoutSeconds: 30,
  access: ['cache', 'bus', 'claimChecks'],
  trigger: {
    method: 'POST',
    path: '/api/v1/webhooks/apple',
    auth: 'user',
    summary: 'Apple Health relay',
    successStatus: 202,
    // Heart-rate samples of a long workout are megabytes.
    maxBodyBytes: 5_242_880, // 5 MiB
    schemas: { body: AppleRelay, response: AppleRelayResponse },
  },
});
export const connectStrava = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/integrations/connect-strava.ts',
  description: "Exchanges Strava's OAuth code for tokens and links the athlete to the user",
  timeoutSeconds: 15,
  access: ['database', 'vendorSecrets'],
  trigger: {
    method: 'POST',
    path: '/api/v1/integrations/strava/connect',
    auth: 'user',
    summary: 'Connect Strava',
    successStatus: 201,
    maxBodyBytes: 4_096, // 4 KiB
    schemas: { body: StravaConnectBody, response: VendorConnectionResponse },
  },
});
export const connectGarmin = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/integrations/connect-garmin.ts',
  description: 'Links a Garmin user id and user access token (from the OAuth web flow) to the user',
  access: ['database', 'vendorSecrets'],
  trigger: {
    method: 'POST',
    path: '/api/v1/integrations/garmin/connect',
    auth: 'user',
    summary: 'Connect Garmin',
    successStatus: 201,
    maxBodyBytes: 4_096, // 4 KiB
    schemas: { body: GarminConnectBody, response: VendorConnectionResponse },
  },
});
export const disconnectVendor = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/integrations/disconnect.ts',
  description: "Disconnects a vendor: its tokens are erased (and Strava's access revoked)",
  timeoutSeconds: 15,
  access: ['database', 'vendorSecrets'],
  trigger: {
    method: 'DELETE',
    path: '/api/v1/integrations/{vendor}',
    auth: 'user',
    summary: 'Disconnect a vendor',
    successStatus: 204,
    schemas: { params: VendorParams },
  },
});
// ---- training load, daily check-in and readiness (issue 4) ----
export const logDailyMetrics = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/log-daily-metrics.ts',
  description: "Upserts the day's check-in, judges readiness, follows the HR/HRV baselines, emits DailyMetricLogged",
  access: ['database', 'bus', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/daily-metrics',
    auth: 'user',
    summary: 'Log the morning check-in',
    maxBodyBytes: 4_096, // 4 KiB
    schemas: { body: LogDailyMetricsBody, response: DailyMetricsDay },
  },
});
export const listDailyMetrics = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/list-daily-metrics.ts',
  description: 'The stored days of a date range with their readiness',
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/daily-metrics',
    auth: 'user',
    summary: 'List daily metrics and readiness',
    schemas: { query: DateRangeQuery, response: DailyMetricsList },
  },
});
export const getTrainingLoad = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/get-training-load.ts',
  description: 'Daily load, acute/chronic EWMA, ACWR, TSB, monotony and strain of a date range, with its risk alerts',
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/metrics/load',
    auth: 'user',
    summary: 'Training load series',
    schemas: { query: DateRangeQuery, response: LoadReport },
  },
});
export const updateRollingStats = /* @__PURE__ */ defineFunction({
  entry: 'functions/workers/update-rolling-stats.ts',
  description: 'Recomputes rolling stats from the changed day on; raises risk alerts (RiskAlertRaised, notification)',
  memoryMb: 512,
  timeoutSeconds: 30,
  access: ['database', 'bus', 'cache'],
  trigger: {
    kind: 'queue',
    detailTypes: ['ActivityRecorded', 'DailyMetricLogged', 'TrainingDayClosed'],
    batchSize: 10,
    maxReceiveCount: 5,
  },
});
// ---- activities, tasks, notifications and normalization (issue 5, activities half) ----
export const createActivity = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/create-activity.ts',
  description: 'Records a manual or app-recorded activity (idempotent by externalId); asks for RPE when missing',
  access: ['database', 'bus', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/activities',
    auth: 'user',
    summary: 'Record an activity',
    successStatus: 201,
    otherStatuses: { 200: 'An entry with this externalId was already recorded: the same activity, updated (an offline retry)' },
    maxBodyBytes: 16_384, // 16 KiB
    schemas: { body: CreateActivityBody, response: Activity },
  },
});
export const listActivities = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/list-activities.ts',
  description: "The athlete's activities whose local date is in a range (default: the last 28 days)",
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/activities',
    auth: 'user',
    summary: 'List activities',
    schemas: { query: ListActivitiesQuery, response: ActivityList },
  },
});
export const getActivity = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/get-activity.ts',
  description: "One of the athlete's activities",
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/activities/{id}',
    auth: 'user',
    summary: 'Read an activity',
    schemas: { params: ActivityIdParams, response: Activity },
  },
});
export const updateActivity = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/update-activity.ts',
  description: 'Sets RPE, feeling, notes or type; RPE sets the internal load and closes the RPE task',
  access: ['database', 'bus', 'cache'],
  trigger: {
    method: 'PATCH',
    path: '/api/v1/activities/{id}',
    auth: 'user',
    summary: 'Update an activity',
    maxBodyBytes: 16_384, // 16 KiB
    schemas: { params: ActivityIdParams, body: UpdateActivityBody, response: Activity },
  },
});
export const deleteActivity = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/delete-activity.ts',
  description: 'Deletes an activity (a duplicate from another source takes over its load)',
  access: ['database', 'bus', 'cache'],
  trigger: {
    method: 'DELETE',
    path: '/api/v1/activities/{id}',
    auth: 'user',
    summary: 'Delete an activity',
    successStatus: 204,
    schemas: { params: ActivityIdParams },
  },
});
export const listTasks = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/list-tasks.ts',
  description: "The athlete's open tasks (enter the RPE of an activity)",
  access: ['database'],
  trigger: { method: 'GET', path: '/api/v1/tasks', auth: 'user', summary: 'List open tasks', schemas: { response: TaskList } },
});
export const listNotifications = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/list-notifications.ts',
  description: "The athlete's latest notifications, newest first",
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/notifications',
    auth: 'user',
    summary: 'List notifications',
    schemas: { query: ListNotificationsQuery, response: NotificationList },
  },
});
export const readNotification = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/read-notification.ts',
  description: 'Marks a notification read (idempotent)',
  access: ['database', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/notifications/{id}/read',
    auth: 'user',
    summary: 'Mark a notification read',
    schemas: { params: NotificationIdParams, response: Notification },
  },
});
export const listIngestRejections = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/list-ingest-rejections.ts',
  description: 'What vendors sent that was refused as impossible, with the reason',
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/ingest/rejections',
    auth: 'user',
    summary: 'List refused vendor activities',
    schemas: { response: IngestRejectionList },
  },
});
export const normalizeActivity = /* @__PURE__ */ defineFunction({
  entry: 'functions/workers/normalize-activity.ts',
  description: 'ActivityReceived to activities (upsert, duplicates, RPE tasks, rejections) and daily metrics; emits ActivityRecorded',
  memoryMb: 512,
  // Strava fetches for a batch of 10, four at a time, each up to 10 s.
  timeoutSeconds: 60,
  access: ['database', 'bus', 'vendorSecrets', 'claimChecks', 'cache'],
  trigger: { kind: 'queue', detailTypes: ['ActivityReceived'], batchSize: 10, maxReceiveCount: 5 },
});
export const closeTrainingDays = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/close-training-days.ts',
  description: 'Hourly: athletes whose local day just ended get TrainingDayClosed, so rest days are judged too',
  memoryMb: 256,
  timeoutSeconds: 60,
  access: ['database', 'bus'],
  trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
});
export const pruneAuthRecords = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/prune-auth-records.ts',
  description: 'Daily: deletes expired refresh tokens and day-old failed login attempts',
  memoryMb: 256,
  timeoutSeconds: 60,
  access: ['database'],
  trigger: { kind: 'schedule', expression: 'rate(1 day)' },
});
export const classifyResponders = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/classify-responders.ts',
  description: 'Weekly: every athlete with a load series gets a responder class (or the reason there is none)',
  memoryMb: 512,
  // Four statements per page of 500 athletes: 100k athletes is 200 pages, well inside the limit.
  timeoutSeconds: 900,
  access: ['database'],
  trigger: { kind: 'schedule', expression: 'rate(7 days)' },
});
export const exportResearch = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/export-research.ts',
  description: 'Monthly: the anonymized research dataset of the athletes who opted in, into the research bucket',
  memoryMb: 1024,
  timeoutSeconds: 900,
  access: ['database', 'researchData'],
  trigger: { kind: 'schedule', expression: 'rate(30 days)' },
});
export const relayOutbox = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/relay-outbox.ts',
  description: 'Publishes events a writer committed but could not publish (the transactional outbox)',
  memoryMb: 256,
  timeoutSeconds: 60,
  access: ['database', 'bus'],
  trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
});
export const migrate = /* @__PURE__ */ defineFunction({
  entry: 'functions/deploy/migrate.ts',
  description: 'Applies pending schema migrations on every deployment',
  memoryMb: 512,
  timeoutSeconds: 300,
  // The only function that logs in as the schema owner.
  access: ['databaseOwner'],
  trigger: { kind: 'deploy' },
});

export const evaluatePlanAdaptation = /* @__PURE__ */ defineFunction({
  entry: 'functions/workers/evaluate-plan-adaptation.ts',
  description: "Adapts the plan: today's workout to the morning readiness, the next days to a risk alert, a missed long run moved",
  memoryMb: 512,
  timeoutSeconds: 30,
  access: ['database', 'cache'],
  trigger: {
    kind: 'queue',
    detailTypes: ['DailyMetricLogged', 'RiskAlertRaised', 'WorkoutMissed'],
    batchSize: 10,
    maxReceiveCount: 5,
  },
});

export const missedWorkoutSweep = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/missed-workout-sweep.ts',
  description: 'Hourly: athletes whose local midnight passed get their past planned workouts completed (linked) or missed (WorkoutMissed)',
  memoryMb: 512,
  timeoutSeconds: 120,
  access: ['database', 'bus', 'cache'],
  trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
});

export const getHome = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/get-home.ts',
  description: "The home screen: today's workout and readiness, load status, plan week, next workouts, tasks, unread notifications, alerts (cached per user)",
  access: ['database', 'cache'],
  trigger: {
    method: 'GET',
    path: '/api/v1/home',
    auth: 'user',
    summary: 'The home screen',
    schemas: { response: Home },
    etag: true,
    otherStatuses: { 304: 'Not modified: the ETag sent in If-None-Match is still current (no body)' },
  },
});

export const listPlanChanges = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/plan/list-plan-changes.ts',
  description: "The active plan's change log: every version, its trigger and reason, each workout before and after",
  access: ['database'],
  trigger: { method: 'GET', path: '/api/v1/plan/changes', auth: 'user', summary: 'List plan changes', schemas: { response: PlanChangeList } },
});

export const restoreWorkout = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/plan/restore-workout.ts',
  description: 'Puts an adapted workout (today or later) back to its original prescription; the coach leaves it alone from then on',
  access: ['database', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/plan/workouts/{id}/restore',
    auth: 'user',
    summary: 'Restore an adapted workout',
    schemas: { params: WorkoutIdParams, response: Workout },
  },
});

export const onboard = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/onboard.ts',
  description: 'Stores the profile, generates a plan toward the goal race from the current load; cancels the active plan',
  memoryMb: 512,
  timeoutSeconds: 15,
  access: ['database', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/onboarding',
    auth: 'user',
    summary: 'Onboard: profile, goal, availability and current volume -> a new training plan',
    successStatus: 201,
    maxBodyBytes: 8_192,
    schemas: { body: OnboardingBody, response: CurrentPlan },
  },
});

export const getCurrentPlan = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/get-current-plan.ts',
  description: "The active plan, this week's planned load and the workouts from the local today on",
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/plan/current',
    auth: 'user',
    summary: 'Read the current training plan',
    schemas: { query: CurrentPlanQuery, response: CurrentPlan },
  },
});

export const regeneratePlan = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/regenerate-plan.ts',
  description: 'A new plan version from today on, from the stored load; the past and completed workouts kept',
  memoryMb: 512,
  timeoutSeconds: 15,
  access: ['database', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/plan/regenerate',
    auth: 'user',
    summary: 'Regenerate the plan from today (new availability or goal optional)',
    maxBodyBytes: 4_096,
    schemas: { body: RegenerateBody, response: CurrentPlan },
  },
});

export const pullChanges = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/pull-changes.ts',
  description: "The athlete's changes after a cursor (every synced entity, tombstones included), oldest first",
  memoryMb: 512,
  timeoutSeconds: 15,
  access: ['database'],
  trigger: {
    method: 'GET',
    path: '/api/v1/sync',
    auth: 'user',
    summary: 'Pull changes since a cursor',
    schemas: { query: PullQuery, response: SyncPage },
  },
});

export const pushMutations = /* @__PURE__ */ apiRoute({
  entry: 'functions/api/push-mutations.ts',
  description: "Applies a batch of the app's offline changes through the same services as the single-item routes (idempotent per mutation)",
  memoryMb: 512,
  timeoutSeconds: 29,
  access: ['database', 'bus', 'cache'],
  trigger: {
    method: 'POST',
    path: '/api/v1/sync',
    auth: 'user',
    summary: 'Push offline changes',
    maxBodyBytes: 1_048_576,
    schemas: { body: PushBody, response: PushResponse },
  },
});

export const pruneSyncResults = /* @__PURE__ */ defineFunction({
  entry: 'functions/schedules/prune-sync-results.ts',
  description: 'Daily: deletes the answers to offline mutations older than 35 days',
  memoryMb: 256,
  timeoutSeconds: 60,
  access: ['database'],
  trigger: { kind: 'schedule', expression: 'rate(1 day)' },
});

/** Every entry: what lib/aws and lib/local build. A handler imports only its own entry (above), never this. */
export const functions = {
  health,
  authorizer,
  getMe,
  updateMe,
  exportMe,
  deleteMe,
  register,
  login,
  refresh,
  logout,
  stravaSubscriptionValidation,
  stravaWebhook,
  garminWebhook,
  appleRelay,
  connectStrava,
  connectGarmin,
  disconnectVendor,
  logDailyMetrics,
  listDailyMetrics,
  getTrainingLoad,
  updateRollingStats,
  createActivity,
  listActivities,
  getActivity,
  updateActivity,
  deleteActivity,
  listTasks,
  listNotifications,
  readNotification,
  listIngestRejections,
  normalizeActivity,
  closeTrainingDays,
  pruneAuthRecords,
  classifyResponders,
  exportResearch,
  relayOutbox,
  migrate,
  onboard,
  getCurrentPlan,
  regeneratePlan,
  pullChanges,
  pushMutations,
  pruneSyncResults,
  evaluatePlanAdaptation,
  missedWorkoutSweep,
  getHome,
  listPlanChanges,
  restoreWorkout,
} satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export const topology: ReadonlyArray<readonly [FunctionName, FunctionSpec]> = /* @__PURE__ */ Object.entries(functions) as Array<[FunctionName, FunctionSpec]>;
