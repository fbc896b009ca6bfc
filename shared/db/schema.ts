// The database as kysely sees it. Written by hand to match migrations/ exactly; `columns` below lets
// test/db/schema-types.test.ts fail on any drift (and `npx tsx scripts/db-types.ts` prints the live schema).
// Reading rules: DATE columns are 'YYYY-MM-DD' strings (the connection parses DATE as the raw text, so a
// calendar day is never shifted by the machine's zone); timestamptz columns are Date; double precision,
// integer and smallint are number; jsonb is parsed on read and written as JSON text.
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type {
  ExperienceLevel,
  PlanPhaseName,
  PlanStatus,
  PlanWeekKind,
  RaceDistance,
  Weekday,
  WorkoutState,
  WorkoutType,
  PlanChangeTrigger,
  StoredPrescription,
  StoredAdaptation,
  StoredReadinessBase,
} from '#shared/domain/plan-vocabulary';
import type { ActivitySource, ActivityType } from '#shared/domain/activity-vocabulary';
import { responderClasses, type ResponderClass } from '#shared/domain/responder';

// ---- column kinds ---------------------------------------------------------------------------------

/** A calendar day, 'YYYY-MM-DD' (SQL DATE). */
export type DateString = string;
/** timestamptz: a Date on read; a Date or an ISO 8601 string with offset on write. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** timestamptz with a `default now()`. */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type JsonArray = JsonValue[];
/**
 * jsonb written as JSON text (`JSON.stringify(value)`): node-postgres would send a JS array as a
 * PostgreSQL array literal, which jsonb rejects.
 */
export type Jsonb<T extends object> = JSONColumnType<T, string, string>;
/** jsonb with a default. */
export type DefaultJsonb<T extends object> = JSONColumnType<T, string | undefined, string>;
/** activities.field_sources: field name (camelCase, as in the API) -> the id of the duplicate it came from. */
export type FieldSources = { [field: string]: string };

// ---- enumerations (text + CHECK in the database; the lists match the CHECKs) ----------------------

export const sexes = ['female', 'male', 'unspecified'] as const;
export type Sex = (typeof sexes)[number];
export const preferredUnits = ['metric', 'imperial'] as const;
export type PreferredUnits = (typeof preferredUnits)[number];

// The product's vocabulary lives in the domain; the database's CHECKs and these types say the same words.
export * from '#shared/domain/plan-vocabulary';

export { responderClasses, type ResponderClass };
/** Vendors with an OAuth connection. */
export const connectedVendors = ['garmin', 'strava'] as const;
export type ConnectedVendor = (typeof connectedVendors)[number];
export const connectionStatuses = ['connected', 'disconnected'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];
/** Vendors that deliver data (Apple Health through our app). */
export const ingestVendors = ['garmin', 'strava', 'apple'] as const;
export type IngestVendor = (typeof ingestVendors)[number];
export * from '#shared/domain/activity-vocabulary';
export const readinessLights = ['green', 'yellow', 'red'] as const;
export type ReadinessLight = (typeof readinessLights)[number];
/** Where a plan's starting load state came from: the stored rolling stats, or the reported volume (< 28 days of history). */
export const loadBasisSources = ['history', 'reported_volume'] as const;
export type LoadBasisSource = (typeof loadBasisSources)[number];
export const riskAlertKinds = ['acwr', 'monotony'] as const;
export type RiskAlertKind = (typeof riskAlertKinds)[number];
export const pendingTaskKinds = ['enter_rpe'] as const;
export type PendingTaskKind = (typeof pendingTaskKinds)[number];
export const pendingTaskStatuses = ['open', 'done', 'dismissed'] as const;
export type PendingTaskStatus = (typeof pendingTaskStatuses)[number];
export const notificationKinds = ['risk_alert', 'plan_adapted', 'workout_missed', 'readiness', 'pending_task', 'vendor_disconnected'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
/** The entities of the sync feed (GET /api/v1/sync), as the API names them. */
export const syncEntities = ['profile', 'activity', 'dailyMetric', 'plan', 'workout', 'planChange', 'loadDay', 'alert', 'task', 'notification'] as const;
export type SyncEntity = (typeof syncEntities)[number];
export const syncOps = ['upsert', 'delete'] as const;
export type SyncOp = (typeof syncOps)[number];
export const syncMutationStatuses = ['applied', 'conflict', 'rejected'] as const;
export type SyncMutationStatus = (typeof syncMutationStatuses)[number];

// ---- jsonb shapes ---------------------------------------------------------------------------------

/** Opt-in/out per notification kind; a missing kind means the product default. */
export type NotificationPreferences = { [K in NotificationKind]?: boolean };
/** The numbers that raised a risk alert, e.g. { acwr: 1.61, acute: 708.8, chronic: 441.3 }. */
export type RiskAlertMetrics = { [metric: string]: number | null };
/** training_plans.phases: the plan's phases in order, each a run of whole days. */
export type StoredPlanPhase = { name: PlanPhaseName; startDate: DateString; endDate: DateString };
/** training_plans.weeks: the generator's weeks; the last ends on race day, the first may be short. */
export type StoredPlanWeek = {
  index: number;
  startDate: DateString;
  endDate: DateString;
  phase: PlanPhaseName;
  kind: PlanWeekKind;
  /** The week's planned load as generated (sum of duration x RPE), AU. */
  targetLoad: number;
};
/** plan_changes.changes: one entry per touched workout; null before = added, null after = removed. */
export type StoredWorkoutChange = {
  workoutId: string;
  date: DateString;
  before: StoredPrescription | null;
  after: StoredPrescription | null;
};

// ---- tables ---------------------------------------------------------------------------------------

export interface UsersTable {
  id: Generated<string>;
  /** Lower case (CHECK), unique. */
  email: string;
  password_hash: string | null;
  /** Sign in with Apple / Google subject (`sub`); at least one credential is set. */
  apple_sub: string | null;
  google_sub: string | null;
  dob: DateString | null;
  sex: Generated<Sex>;
  weight_kg: number | null;
  height_cm: number | null;
  preferred_units: Generated<PreferredUnits>;
  notification_preferences: DefaultJsonb<NotificationPreferences>;
  /** IANA zone, e.g. 'Europe/Paris'. */
  time_zone: Generated<string>;
  /** ISO weekday the training week starts on, 1 = Monday. */
  week_start_day: Generated<number>;
  resting_hr: number | null;
  /** Baseline rMSSD, ms. */
  hrv_rmssd: number | null;
  max_hr: number | null;
  lactate_threshold_hr: number | null;
  /** Computed by the weekly responder job; null when not judged or not enough data (migration 0009). */
  responder_classification: ResponderClass | null;
  /** When the job last judged the athlete (a class or an insufficient-data verdict). */
  responder_updated_at: NullableTimestamp;
  /** The numbers that decided the class, or why there is none (shared/domain/responder.ts ResponderEvidence). */
  responder_evidence: ColumnType<JsonObject | null, string | null | undefined, string | null>;
  /** Opt-in to the anonymized research dataset (migration 0009). */
  research_consent: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  /** Every token of one login's rotation chain shares it. */
  family_id: string;
  /** SHA-256 of the token, 64 lower-case hex digits. */
  token_hash: string;
  /** The token that replaced this one (same user); only set once this one was used. */
  replaced_by: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: DefaultTimestamp;
}

export interface FailedLoginAttemptsTable {
  id: Generated<string>;
  user_id: string;
  attempted_at: DefaultTimestamp;
}

export interface VendorConnectionsTable {
  id: Generated<string>;
  user_id: string;
  vendor: ConnectedVendor;
  vendor_user_id: string;
  /** Null once disconnected. */
  access_token_ciphertext: string | null;
  refresh_token_ciphertext: string | null;
  /** When the access token expires. */
  expires_at: NullableTimestamp;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<ConnectionStatus>;
  /** Set exactly when status is 'disconnected'. */
  disconnected_at: NullableTimestamp;
  /** When the link was last (re)connected: a revocation older than this is stale (migration 0004). */
  connected_at: DefaultTimestamp;
  /** API calls unverified webhook events caused in the window starting event_calls_window_start (migration 0007). */
  event_calls: Generated<number>;
  event_calls_window_start: NullableTimestamp;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface IngestRejectionsTable {
  id: Generated<string>;
  user_id: string;
  vendor: IngestVendor;
  external_id: string | null;
  reason: string;
  /** What was rejected, without health data. */
  payload_summary: DefaultJsonb<JsonObject>;
  created_at: DefaultTimestamp;
}

export interface ActivitiesTable {
  id: Generated<string>;
  user_id: string;
  source: ActivitySource;
  /** Vendor id; for 'manual', the app's client id (offline sync idempotency) or null. */
  external_id: string | null;
  type: ActivityType;
  start_time: Timestamp;
  /** Athlete-local date of the start: the day its load counts on. */
  local_date: DateString;
  utc_offset_minutes: number | null;
  duration_minutes: number;
  distance_meters: number | null;
  avg_hr: number | null;
  max_hr: number | null;
  elevation_gain_meters: number | null;
  /** Session RPE, 1-10. */
  rpe: number | null;
  /** 1-5. */
  feeling: number | null;
  notes: string | null;
  /** duration (min) x RPE, AU. */
  internal_load: number | null;
  trimp: number | null;
  /** The activity this one repeats from another source (same user); duplicates carry no load. */
  duplicate_of: string | null;
  /** Fields taken from a duplicate, by field name: the duplicate's id (migration 0007). */
  field_sources: DefaultJsonb<FieldSources>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/**
 * One row per activity (migration 0006). Each channel is indexed by the second since the start: element
 * i (from 1) is offset i - 1, null where that second has no reading; a channel with no reading is null.
 */
export interface ActivitySamplesTable {
  user_id: string;
  activity_id: string;
  /** Length of every channel: the last sample's offset + 1 (at most 86,401: 24 h at 1 Hz). */
  seconds: number;
  hr: (number | null)[] | null;
  /** m/s; pace (s/km) = 1000 / speed_mps. */
  speed_mps: (number | null)[] | null;
  cadence: (number | null)[] | null;
  power_w: (number | null)[] | null;
}

export interface DailyMetricsTable {
  user_id: string;
  /** Athlete-local day. */
  date: DateString;
  resting_hr: number | null;
  hrv_rmssd: number | null;
  /** SDNN (Apple Health). Never stored as rMSSD. */
  hrv_sdnn_ms: number | null;
  weight_kg: number | null;
  sleep_duration_minutes: number | null;
  sleep_quality: number | null;
  /** 0-100 score. */
  sleep_index: number | null;
  morning_readiness: number | null;
  soreness: number | null;
  stress: number | null;
  mood: number | null;
  /** Null: not judged yet, or not enough data. */
  readiness_light: ReadinessLight | null;
  readiness_reasons: DefaultJsonb<JsonArray>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface TrainingPlansTable {
  id: Generated<string>;
  user_id: string;
  goal_race_date: DateString;
  goal_distance_meters: number;
  start_date: DateString;
  /** At most one 'active' plan per user. */
  status: Generated<PlanStatus>;
  phases: DefaultJsonb<StoredPlanPhase[]>;
  /** Bumped by every change of the plan (regenerate, adaptation); plan_changes has one row per version. */
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** A standard race, or null for a custom distance (goal_distance_meters). Migration 0005 from here on. */
  goal_race_distance: RaceDistance | null;
  goal_time_minutes: number | null;
  days_per_week: number;
  long_run_day: Weekday;
  unavailable_days: ColumnType<Weekday[], Weekday[] | undefined, Weekday[]>;
  max_session_minutes: number | null;
  experience: ExperienceLevel;
  reported_weekly_minutes: number | null;
  reported_weekly_distance_km: number | null;
  reported_longest_run_minutes: number | null;
  /** The day whose EWMA state the current version was projected from (the day before its first generated day). */
  load_basis_date: DateString;
  load_basis_acute: number;
  load_basis_chronic: number;
  load_basis_source: LoadBasisSource;
  weeks: DefaultJsonb<StoredPlanWeek[]>;
}

export interface ScheduledWorkoutsTable {
  id: Generated<string>;
  user_id: string;
  plan_id: string;
  date: DateString;
  type: WorkoutType;
  target_duration_minutes: number | null;
  target_distance_meters: number | null;
  target_rpe: number | null;
  /** Heart-rate zone 1-5. */
  zone: number | null;
  description: Generated<string>;
  state: Generated<WorkoutState>;
  /** Only when state is 'completed'; one activity completes at most one workout. */
  completed_activity_id: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** The plan version that created the workout (migration 0005). */
  created_in_version: Generated<number>;
  /** The plan version that replaced it; null while it is part of the plan. Never set on a completed workout. */
  removed_in_version: number | null;
  /** The prescription as generated, kept by the first adaptation that changes it; null while unchanged. */
  original_prescription: JSONColumnType<StoredPrescription | null, string | null | undefined, string | null>;
  /** Why an adaptation changed the prescription; null while it is as generated (migration 0010). */
  adaptation: JSONColumnType<StoredAdaptation | null, string | null | undefined, string | null>;
  /** The workout before this morning's readiness rule changed it; a green judgement restores it. */
  readiness_base: JSONColumnType<StoredReadinessBase | null, string | null | undefined, string | null>;
  /** The version in which the athlete restored the original; adaptations leave it alone from then on. */
  restored_in_version: number | null;
}

/** One row per plan version: why it changed and the before/after of each workout it touched (migration 0005). */
export interface PlanChangesTable {
  id: Generated<string>;
  user_id: string;
  plan_id: string;
  version: number;
  trigger: PlanChangeTrigger;
  /** Stable, snake_case: clients switch on it. */
  reason_code: string;
  /** A sentence for the athlete. */
  reason_message: string;
  changes: DefaultJsonb<StoredWorkoutChange[]>;
  /** For an undo: the version whose change it reverts. */
  reverts_version: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** What the adaptation answered (risk_alert:<id>, missed_workout:<id>); unique per plan (migration 0010). */
  cause: string | null;
}

export interface RollingStatsTable {
  user_id: string;
  date: DateString;
  /** The day's internal load, AU. */
  load: number;
  acute: number;
  chronic: number;
  /** Null when chronic is 0. */
  acwr: number | null;
  /** chronic - acute on 7/28-day EWMAs; not TrainingPeaks Form. */
  tsb: number;
  /** Null for the first 6 days of the series (no complete 7-day window). */
  week_load: number | null;
  monotony: number | null;
  strain: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RiskAlertsTable {
  id: Generated<string>;
  user_id: string;
  kind: RiskAlertKind;
  date: DateString;
  metrics: Jsonb<RiskAlertMetrics>;
  /** Null while the condition holds; set when a recompute finds it no longer does (migration 0007). */
  resolved_at: NullableTimestamp;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** Where a user's rolling_stats series starts and ends, and the recompute's concurrency token (migration 0002). */
export interface LoadSeriesTable {
  user_id: string;
  /** The first activity's local date; null when the user has no activity. */
  series_start: DateString | null;
  /** The last computed day (the user's local today at the last recompute). */
  series_end: DateString | null;
  /** Bumped by every recompute; a write whose read saw an older value is refused. */
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PendingTasksTable {
  id: Generated<string>;
  user_id: string;
  kind: PendingTaskKind;
  activity_id: string | null;
  /** At most one 'open' task per (user, kind, activity). */
  status: Generated<PendingTaskStatus>;
  /** Set exactly when status is not 'open'. */
  resolved_at: NullableTimestamp;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: DefaultJsonb<JsonObject>;
  /** Unique per user: lets a re-run worker insert the same notification once (ON CONFLICT DO NOTHING). */
  dedupe_key: string | null;
  read_at: NullableTimestamp;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** Events decided in a transaction, published after its commit; rows left here are retried (migration 0003). */
export interface EventOutboxTable {
  id: Generated<string>;
  /** A catalogue detail-type (shared/events/catalogue.ts). */
  detail_type: string;
  detail: Jsonb<JsonObject>;
  created_at: DefaultTimestamp;
}

/** The last change number handed out per user; its row lock orders a user's changes by commit (migration 0008). */
export interface SyncCountersTable {
  user_id: string;
  seq: ColumnType<number, number | undefined, number>;
}

/** The latest change of each synced entity of a user, written by triggers (compacted change log). */
export interface SyncChangesTable {
  user_id: string;
  entity: SyncEntity;
  /** The entity's id: a uuid, or the date of a dailyMetric / loadDay. */
  entity_id: string;
  /** Per user, in commit order, without holes. */
  seq: number;
  /** 'delete' is a tombstone. */
  op: SyncOp;
  changed_at: DefaultTimestamp;
}

/** The answer given to each offline mutation, so a replay is answered and not applied again. */
export interface SyncMutationsTable {
  user_id: string;
  client_mutation_id: string;
  entity: string;
  op: string;
  /** The entity the mutation changed, when known (a uuid or a date). */
  entity_id: string | null;
  status: SyncMutationStatus;
  /**
   * The answer's fields the columns do not give (reason, errors; `id` where it is not entity_id), null for a plain
   * applied answer (shared/sync/stored-answers.ts). Rows stored before migration 0012 hold the whole answer.
   */
  result_detail: JSONColumnType<JsonObject | null, string | null | undefined, string | null>;
  /** When the athlete made the change, by the phone's clock (never later than its arrival). */
  client_timestamp: Timestamp;
  created_at: DefaultTimestamp;
}

export interface Database {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  failed_login_attempts: FailedLoginAttemptsTable;
  vendor_connections: VendorConnectionsTable;
  ingest_rejections: IngestRejectionsTable;
  activities: ActivitiesTable;
  activity_samples: ActivitySamplesTable;
  daily_metrics: DailyMetricsTable;
  training_plans: TrainingPlansTable;
  scheduled_workouts: ScheduledWorkoutsTable;
  plan_changes: PlanChangesTable;
  rolling_stats: RollingStatsTable;
  risk_alerts: RiskAlertsTable;
  load_series: LoadSeriesTable;
  pending_tasks: PendingTasksTable;
  notifications: NotificationsTable;
  event_outbox: EventOutboxTable;
  sync_counters: SyncCountersTable;
  sync_changes: SyncChangesTable;
  sync_mutations: SyncMutationsTable;
}

// ---- row aliases ----------------------------------------------------------------------------------

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type NewRefreshToken = Insertable<RefreshTokensTable>;
export type VendorConnectionRow = Selectable<VendorConnectionsTable>;
export type NewVendorConnection = Insertable<VendorConnectionsTable>;
export type NewIngestRejection = Insertable<IngestRejectionsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type NewActivity = Insertable<ActivitiesTable>;
export type NewActivitySample = Insertable<ActivitySamplesTable>;
export type NewDailyMetrics = Insertable<DailyMetricsTable>;
export type TrainingPlanRow = Selectable<TrainingPlansTable>;
export type NewTrainingPlan = Insertable<TrainingPlansTable>;
export type ScheduledWorkoutRow = Selectable<ScheduledWorkoutsTable>;
export type NewScheduledWorkout = Insertable<ScheduledWorkoutsTable>;
export type NewRollingStats = Insertable<RollingStatsTable>;
export type NewRiskAlert = Insertable<RiskAlertsTable>;
export type NewPendingTask = Insertable<PendingTasksTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;
export type PlanChangeRow = Selectable<PlanChangesTable>;
export type SyncChangeRow = Selectable<SyncChangesTable>;
export type SyncMutationRow = Selectable<SyncMutationsTable>;
export type NewSyncMutation = Insertable<SyncMutationsTable>;

// ---- the column map the drift test compares with the migrated database ----------------------------
// `satisfies` rejects a table or column the interface lacks; test/db/schema-types.test.ts checks the converse.

type ColumnLists = { [T in keyof Database]: readonly (keyof Database[T] & string)[] };

export const columns = {
  users: [
    'id',
    'email',
    'password_hash',
    'apple_sub',
    'google_sub',
    'dob',
    'sex',
    'weight_kg',
    'height_cm',
    'preferred_units',
    'notification_preferences',
    'time_zone',
    'week_start_day',
    'resting_hr',
    'hrv_rmssd',
    'max_hr',
    'lactate_threshold_hr',
    'responder_classification',
    'responder_updated_at',
    'responder_evidence',
    'research_consent',
    'created_at',
    'updated_at',
  ],
  refresh_tokens: ['id', 'user_id', 'family_id', 'token_hash', 'replaced_by', 'expires_at', 'used_at', 'revoked_at', 'created_at'],
  failed_login_attempts: ['id', 'user_id', 'attempted_at'],
  vendor_connections: [
    'id',
    'user_id',
    'vendor',
    'vendor_user_id',
    'access_token_ciphertext',
    'refresh_token_ciphertext',
    'expires_at',
    'scopes',
    'status',
    'disconnected_at',
    'connected_at',
    'created_at',
    'updated_at',
    'event_calls',
    'event_calls_window_start',
  ],
  ingest_rejections: ['id', 'user_id', 'vendor', 'external_id', 'reason', 'payload_summary', 'created_at'],
  activities: [
    'id',
    'user_id',
    'source',
    'external_id',
    'type',
    'start_time',
    'local_date',
    'utc_offset_minutes',
    'duration_minutes',
    'distance_meters',
    'avg_hr',
    'max_hr',
    'elevation_gain_meters',
    'rpe',
    'feeling',
    'notes',
    'internal_load',
    'trimp',
    'duplicate_of',
    'created_at',
    'updated_at',
    'field_sources',
  ],
  activity_samples: ['user_id', 'activity_id', 'seconds', 'hr', 'speed_mps', 'cadence', 'power_w'],
  daily_metrics: [
    'user_id',
    'date',
    'resting_hr',
    'hrv_rmssd',
    'hrv_sdnn_ms',
    'weight_kg',
    'sleep_duration_minutes',
    'sleep_quality',
    'sleep_index',
    'morning_readiness',
    'soreness',
    'stress',
    'mood',
    'readiness_light',
    'readiness_reasons',
    'created_at',
    'updated_at',
  ],
  training_plans: [
    'id',
    'user_id',
    'goal_race_date',
    'goal_distance_meters',
    'start_date',
    'status',
    'phases',
    'version',
    'created_at',
    'updated_at',
    'goal_race_distance',
    'goal_time_minutes',
    'days_per_week',
    'long_run_day',
    'unavailable_days',
    'max_session_minutes',
    'experience',
    'reported_weekly_minutes',
    'reported_weekly_distance_km',
    'reported_longest_run_minutes',
    'load_basis_date',
    'load_basis_acute',
    'load_basis_chronic',
    'load_basis_source',
    'weeks',
  ],
  scheduled_workouts: [
    'id',
    'user_id',
    'plan_id',
    'date',
    'type',
    'target_duration_minutes',
    'target_distance_meters',
    'target_rpe',
    'zone',
    'description',
    'state',
    'completed_activity_id',
    'created_at',
    'updated_at',
    'created_in_version',
    'removed_in_version',
    'original_prescription',
    'adaptation',
    'readiness_base',
    'restored_in_version',
  ],
  plan_changes: [
    'id',
    'user_id',
    'plan_id',
    'version',
    'trigger',
    'reason_code',
    'reason_message',
    'changes',
    'reverts_version',
    'created_at',
    'updated_at',
    'cause',
  ],
  rolling_stats: ['user_id', 'date', 'load', 'acute', 'chronic', 'acwr', 'tsb', 'week_load', 'monotony', 'strain', 'created_at', 'updated_at'],
  risk_alerts: ['id', 'user_id', 'kind', 'date', 'metrics', 'created_at', 'updated_at', 'resolved_at'],
  load_series: ['user_id', 'series_start', 'series_end', 'version', 'created_at', 'updated_at'],
  pending_tasks: ['id', 'user_id', 'kind', 'activity_id', 'status', 'resolved_at', 'created_at', 'updated_at'],
  notifications: ['id', 'user_id', 'kind', 'title', 'body', 'data', 'dedupe_key', 'read_at', 'created_at', 'updated_at'],
  event_outbox: ['id', 'detail_type', 'detail', 'created_at'],
  sync_counters: ['user_id', 'seq'],
  sync_changes: ['user_id', 'entity', 'entity_id', 'seq', 'op', 'changed_at'],
  sync_mutations: ['user_id', 'client_mutation_id', 'entity', 'op', 'entity_id', 'status', 'result_detail', 'client_timestamp', 'created_at'],
} as const satisfies ColumnLists;
