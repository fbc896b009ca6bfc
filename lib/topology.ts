// ONE declaration of every function, route, event rule, queue and schedule. Pure data: lib/aws builds
// the CDK stack from it and lib/local runs it in one process. Handlers import their own entry from here,
// so a route's schemas, auth and limits are stated once.
import { HealthResponse } from '../shared/contracts/health';
import {
  AppleRelayResponse,
  GarminConnectBody,
  GarminWebhookResponse,
  StravaChallengeResponse,
  StravaConnectBody,
  StravaWebhookResponse,
  VendorConnectionResponse,
  VendorParams,
} from '../shared/contracts/webhooks';
import { AppleRelay } from '../shared/vendors/apple';
import { GarminPush } from '../shared/vendors/garmin';
import { StravaEvent, StravaSubscriptionQuery } from '../shared/vendors/strava';
import { LoginBody, LogoutBody, RefreshBody, RegisterBody, TokenPairResponse } from '../shared/contracts/auth';
import { MeResponse, UpdateMeBody } from '../shared/contracts/me';
import { AccountExport } from '../shared/contracts/export';
import { DetailType } from '../shared/events/catalogue';
import { DailyMetricsDay, DailyMetricsList, DateRangeQuery, LoadReport, LogDailyMetricsBody } from '../shared/contracts/metrics';
import { ActivityIdParams, Activity, ActivityList, CreateActivityBody, ListActivitiesQuery, UpdateActivityBody } from '../shared/contracts/activities';
import { IngestRejectionList } from '../shared/contracts/ingest';
import { ListNotificationsQuery, Notification, NotificationIdParams, NotificationList } from '../shared/contracts/notifications';
import { TaskList } from '../shared/contracts/tasks';
import { defineFunction, type FunctionSpec } from '../shared/topology-types';

export const functions = {
  health: defineFunction({
    entry: 'functions/api/health.ts',
    description: 'Liveness with a real database round trip',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: {
      kind: 'http',
      method: 'GET',
      path: '/api/v1/health',
      auth: 'public',
      summary: 'Service and database health',
      schemas: { response: HealthResponse },
    },
  }),
  // ---- accounts and auth (issue 3) ----
  authorizer: defineFunction({
    entry: 'functions/auth/authorizer.ts',
    description: 'Verifies the bearer access token and that its user still exists',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: ['jwtKeys', 'database'],
    // 0: no cached policy, so an erased account's token stops working immediately.
    trigger: { kind: 'authorizer', resultTtlSeconds: 0 },
  }),
  getMe: defineFunction({
    entry: 'functions/api/get-me.ts',
    description: "The athlete's account: profile, settings, baselines, responder class",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/me', auth: 'user', summary: 'Read my account', schemas: { response: MeResponse } },
  }),
  updateMe: defineFunction({
    entry: 'functions/api/update-me.ts',
    description: 'Changes any part of the profile, settings, baselines or responder class',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'PATCH', path: '/api/v1/me', auth: 'user', summary: 'Update my account', maxBodyBytes: 16 * 1024, schemas: { body: UpdateMeBody, response: MeResponse } },
  }),
  exportMe: defineFunction({
    entry: 'functions/api/export-me.ts',
    description: 'Streams everything stored about the athlete as one JSON document',
    memoryMb: 512,
    // Streaming lifts API Gateway's 29 s limit; years of samples take a while at 2 MB/s past 10 MB.
    timeoutSeconds: 300,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/me/export', auth: 'user', stream: true, summary: 'Export my data', schemas: { response: AccountExport } },
  }),
  deleteMe: defineFunction({
    entry: 'functions/api/delete-me.ts',
    description: 'Erases the account and every row and vendor token that belongs to it',
    memoryMb: 256,
    timeoutSeconds: 30,
    access: ['database'],
    trigger: { kind: 'http', method: 'DELETE', path: '/api/v1/me', auth: 'user', summary: 'Erase my account', successStatus: 204, schemas: {} },
  }),
  // scrypt (32 MiB, p=3) needs CPU: Lambda grants it in proportion to memory.
  register: defineFunction({
    entry: 'functions/api/register.ts',
    description: 'Creates an account and signs it in',
    memoryMb: 1024,
    timeoutSeconds: 10,
    access: ['database', 'jwtKeys'],
    trigger: { kind: 'http', method: 'POST', path: '/api/v1/auth/register', auth: 'public', summary: 'Register', successStatus: 201, maxBodyBytes: 4 * 1024, schemas: { body: RegisterBody, response: TokenPairResponse } },
  }),
  login: defineFunction({
    entry: 'functions/api/login.ts',
    description: 'Signs in with email and password (throttled per email)',
    memoryMb: 1024,
    timeoutSeconds: 10,
    access: ['database', 'jwtKeys'],
    trigger: { kind: 'http', method: 'POST', path: '/api/v1/auth/login', auth: 'public', summary: 'Sign in', maxBodyBytes: 4 * 1024, schemas: { body: LoginBody, response: TokenPairResponse } },
  }),
  refresh: defineFunction({
    entry: 'functions/api/refresh.ts',
    description: 'Exchanges a refresh token for a new pair (single use; reuse revokes the chain)',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'jwtKeys'],
    trigger: { kind: 'http', method: 'POST', path: '/api/v1/auth/refresh', auth: 'public', summary: 'Refresh tokens', maxBodyBytes: 4 * 1024, schemas: { body: RefreshBody, response: TokenPairResponse } },
  }),
  logout: defineFunction({
    entry: 'functions/api/logout.ts',
    description: "Revokes a refresh token's session",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'POST', path: '/api/v1/auth/logout', auth: 'public', summary: 'Sign out', successStatus: 204, maxBodyBytes: 4 * 1024, schemas: { body: LogoutBody } },
  }),
  // ---- vendor webhooks and integrations (issue 5, webhook half) ----
  // Webhooks: authenticate, validate, deduplicate (idempotency records in the cache), publish
  // ActivityReceived, answer. No database on this path; large payloads go by claim check.
  stravaSubscriptionValidation: defineFunction({
    entry: 'functions/webhooks/strava-validate.ts',
    description: "Answers Strava's webhook subscription validation with the challenge, for our verify token only",
    memoryMb: 256,
    timeoutSeconds: 5,
    access: ['vendorSecrets'],
    trigger: {
      kind: 'http',
      method: 'GET',
      path: '/api/v1/webhooks/strava',
      auth: 'public',
      summary: 'Strava subscription validation',
      schemas: { query: StravaSubscriptionQuery, response: StravaChallengeResponse },
    },
  }),
  stravaWebhook: defineFunction({
    entry: 'functions/webhooks/strava.ts',
    description: 'Strava events (activity create/update/delete, athlete deauthorization) to ActivityReceived',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['vendorSecrets', 'cache', 'bus', 'claimChecks'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/webhooks/strava',
      auth: 'public',
      summary: 'Strava webhook events',
      // An event is a few hundred bytes.
      maxBodyBytes: 16 * 1024,
      schemas: { body: StravaEvent, response: StravaWebhookResponse },
    },
  }),
  garminWebhook: defineFunction({
    entry: 'functions/webhooks/garmin.ts',
    description: 'Garmin push notifications (activities, details, wellness, deregistrations) to ActivityReceived, one per summary',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: ['vendorSecrets', 'cache', 'bus', 'claimChecks'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/webhooks/garmin',
      auth: 'public',
      summary: 'Garmin push notifications',
      // activityDetails carry samples: a long session is megabytes.
      maxBodyBytes: 5 * 1024 * 1024,
      schemas: { body: GarminPush, response: GarminWebhookResponse },
    },
  }),
  appleRelay: defineFunction({
    entry: 'functions/webhooks/apple.ts',
    description: 'HealthKit workouts and dailies relayed by the app, to ActivityReceived for the signed-in user',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: ['cache', 'bus', 'claimChecks'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/webhooks/apple',
      auth: 'user',
      summary: 'Apple Health relay',
      successStatus: 202,
      // Heart-rate samples of a long workout are megabytes.
      maxBodyBytes: 5 * 1024 * 1024,
      schemas: { body: AppleRelay, response: AppleRelayResponse },
    },
  }),
  connectStrava: defineFunction({
    entry: 'functions/api/integrations/connect-strava.ts',
    description: "Exchanges Strava's OAuth code for tokens and links the athlete to the user",
    memoryMb: 256,
    timeoutSeconds: 15,
    access: ['database', 'vendorSecrets'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/integrations/strava/connect',
      auth: 'user',
      summary: 'Connect Strava',
      successStatus: 201,
      maxBodyBytes: 4 * 1024,
      schemas: { body: StravaConnectBody, response: VendorConnectionResponse },
    },
  }),
  connectGarmin: defineFunction({
    entry: 'functions/api/integrations/connect-garmin.ts',
    description: 'Links a Garmin user id and user access token (from the OAuth web flow) to the user',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'vendorSecrets'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/integrations/garmin/connect',
      auth: 'user',
      summary: 'Connect Garmin',
      successStatus: 201,
      maxBodyBytes: 4 * 1024,
      schemas: { body: GarminConnectBody, response: VendorConnectionResponse },
    },
  }),
  disconnectVendor: defineFunction({
    entry: 'functions/api/integrations/disconnect.ts',
    description: "Disconnects a vendor: its tokens are erased (and Strava's access revoked)",
    memoryMb: 256,
    timeoutSeconds: 15,
    access: ['database', 'vendorSecrets'],
    trigger: {
      kind: 'http',
      method: 'DELETE',
      path: '/api/v1/integrations/{vendor}',
      auth: 'user',
      summary: 'Disconnect a vendor',
      successStatus: 204,
      schemas: { params: VendorParams },
    },
  }),
  // ---- training load, daily check-in and readiness (issue 4) ----
  logDailyMetrics: defineFunction({
    entry: 'functions/api/log-daily-metrics.ts',
    description: "Upserts the day's check-in, judges readiness, follows the HR/HRV baselines, emits DailyMetricLogged",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'bus'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/daily-metrics',
      auth: 'user',
      summary: 'Log the morning check-in',
      maxBodyBytes: 4 * 1024,
      schemas: { body: LogDailyMetricsBody, response: DailyMetricsDay },
    },
  }),
  listDailyMetrics: defineFunction({
    entry: 'functions/api/list-daily-metrics.ts',
    description: 'The stored days of a date range with their readiness',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: {
      kind: 'http',
      method: 'GET',
      path: '/api/v1/daily-metrics',
      auth: 'user',
      summary: 'List daily metrics and readiness',
      schemas: { query: DateRangeQuery, response: DailyMetricsList },
    },
  }),
  getTrainingLoad: defineFunction({
    entry: 'functions/api/get-training-load.ts',
    description: 'Daily load, acute/chronic EWMA, ACWR, TSB, monotony and strain of a date range, with its risk alerts',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: {
      kind: 'http',
      method: 'GET',
      path: '/api/v1/metrics/load',
      auth: 'user',
      summary: 'Training load series',
      schemas: { query: DateRangeQuery, response: LoadReport },
    },
  }),
  updateRollingStats: defineFunction({
    entry: 'functions/workers/update-rolling-stats.ts',
    description: 'Recomputes rolling stats from the changed day on; raises risk alerts (RiskAlertRaised, notification)',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: ['database', 'bus'],
    trigger: {
      kind: 'queue',
      detailTypes: [DetailType.ActivityRecorded, DetailType.DailyMetricLogged, DetailType.TrainingDayClosed],
      batchSize: 10,
      maxReceiveCount: 5,
    },
  }),
  // ---- activities, tasks, notifications and normalization (issue 5, activities half) ----
  createActivity: defineFunction({
    entry: 'functions/api/create-activity.ts',
    description: 'Records a manual or app-recorded activity (idempotent by externalId); asks for RPE when missing',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'bus'],
    trigger: {
      kind: 'http',
      method: 'POST',
      path: '/api/v1/activities',
      auth: 'user',
      summary: 'Record an activity',
      successStatus: 201,
      otherStatuses: { 200: 'An entry with this externalId was already recorded: the same activity, updated (an offline retry)' },
      maxBodyBytes: 16 * 1024,
      schemas: { body: CreateActivityBody, response: Activity },
    },
  }),
  listActivities: defineFunction({
    entry: 'functions/api/list-activities.ts',
    description: "The athlete's activities whose local date is in a range (default: the last 28 days)",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/activities', auth: 'user', summary: 'List activities', schemas: { query: ListActivitiesQuery, response: ActivityList } },
  }),
  getActivity: defineFunction({
    entry: 'functions/api/get-activity.ts',
    description: 'One of the athlete\'s activities',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/activities/{id}', auth: 'user', summary: 'Read an activity', schemas: { params: ActivityIdParams, response: Activity } },
  }),
  updateActivity: defineFunction({
    entry: 'functions/api/update-activity.ts',
    description: 'Sets RPE, feeling, notes or type; RPE sets the internal load and closes the RPE task',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'bus'],
    trigger: {
      kind: 'http',
      method: 'PATCH',
      path: '/api/v1/activities/{id}',
      auth: 'user',
      summary: 'Update an activity',
      maxBodyBytes: 16 * 1024,
      schemas: { params: ActivityIdParams, body: UpdateActivityBody, response: Activity },
    },
  }),
  deleteActivity: defineFunction({
    entry: 'functions/api/delete-activity.ts',
    description: 'Deletes an activity (a duplicate from another source takes over its load)',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database', 'bus'],
    trigger: { kind: 'http', method: 'DELETE', path: '/api/v1/activities/{id}', auth: 'user', summary: 'Delete an activity', successStatus: 204, schemas: { params: ActivityIdParams } },
  }),
  listTasks: defineFunction({
    entry: 'functions/api/list-tasks.ts',
    description: "The athlete's open tasks (enter the RPE of an activity)",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/tasks', auth: 'user', summary: 'List open tasks', schemas: { response: TaskList } },
  }),
  listNotifications: defineFunction({
    entry: 'functions/api/list-notifications.ts',
    description: "The athlete's latest notifications, newest first",
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/notifications', auth: 'user', summary: 'List notifications', schemas: { query: ListNotificationsQuery, response: NotificationList } },
  }),
  readNotification: defineFunction({
    entry: 'functions/api/read-notification.ts',
    description: 'Marks a notification read (idempotent)',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'POST', path: '/api/v1/notifications/{id}/read', auth: 'user', summary: 'Mark a notification read', schemas: { params: NotificationIdParams, response: Notification } },
  }),
  listIngestRejections: defineFunction({
    entry: 'functions/api/list-ingest-rejections.ts',
    description: 'What vendors sent that was refused as impossible, with the reason',
    memoryMb: 256,
    timeoutSeconds: 10,
    access: ['database'],
    trigger: { kind: 'http', method: 'GET', path: '/api/v1/ingest/rejections', auth: 'user', summary: 'List refused vendor activities', schemas: { response: IngestRejectionList } },
  }),
  normalizeActivity: defineFunction({
    entry: 'functions/workers/normalize-activity.ts',
    description: 'ActivityReceived to activities (upsert, duplicates, RPE tasks, rejections) and daily metrics; emits ActivityRecorded',
    memoryMb: 512,
    // Strava fetches for a batch of 10, four at a time, each up to 10 s.
    timeoutSeconds: 60,
    access: ['database', 'bus', 'vendorSecrets', 'claimChecks'],
    trigger: { kind: 'queue', detailTypes: [DetailType.ActivityReceived], batchSize: 10, maxReceiveCount: 5 },
  }),
  closeTrainingDays: defineFunction({
    entry: 'functions/schedules/close-training-days.ts',
    description: 'Hourly: athletes whose local day just ended get TrainingDayClosed, so rest days are judged too',
    memoryMb: 256,
    timeoutSeconds: 60,
    access: ['database', 'bus'],
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
  }),
  pruneAuthRecords: defineFunction({
    entry: 'functions/schedules/prune-auth-records.ts',
    description: 'Daily: deletes expired refresh tokens and day-old failed login attempts',
    memoryMb: 256,
    timeoutSeconds: 60,
    access: ['database'],
    trigger: { kind: 'schedule', expression: 'rate(1 day)' },
  }),
  classifyResponders: defineFunction({
    entry: 'functions/schedules/classify-responders.ts',
    description: 'Weekly: every athlete with a load series gets a responder class (or the reason there is none)',
    memoryMb: 512,
    // Four statements per page of 500 athletes: 100k athletes is 200 pages, well inside the limit.
    timeoutSeconds: 900,
    access: ['database'],
    trigger: { kind: 'schedule', expression: 'rate(7 days)' },
  }),
  exportResearch: defineFunction({
    entry: 'functions/schedules/export-research.ts',
    description: 'Monthly: the anonymized research dataset of the athletes who opted in, into the research bucket',
    memoryMb: 1024,
    timeoutSeconds: 900,
    access: ['database', 'researchData'],
    trigger: { kind: 'schedule', expression: 'rate(30 days)' },
  }),
  relayOutbox: defineFunction({
    entry: 'functions/schedules/relay-outbox.ts',
    description: 'Publishes events a writer committed but could not publish (the transactional outbox)',
    memoryMb: 256,
    timeoutSeconds: 60,
    access: ['database', 'bus'],
    trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
  }),
  migrate: defineFunction({
    entry: 'functions/deploy/migrate.ts',
    description: 'Applies pending schema migrations on every deployment',
    memoryMb: 512,
    timeoutSeconds: 300,
    access: ['database'],
    trigger: { kind: 'deploy' },
  }),
} satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export const topology: ReadonlyArray<readonly [FunctionName, FunctionSpec]> = Object.entries(functions) as Array<
  [FunctionName, FunctionSpec]
>;
