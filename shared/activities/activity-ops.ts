// The words of the activity service: the operations a batch carries (the app's entries and edits, the
// vendors' deliveries and deletions), what each one did, and the rows they work on.
import type { ActivityRow, ActivitySource, ActivityType, IngestVendor, NotificationPreferences, Sex } from '#shared/db/schema';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';

export interface UserContext {
  id: string;
  time_zone: string;
  resting_hr: number | null;
  max_hr: number | null;
  sex: Sex;
  notification_preferences: NotificationPreferences;
  /** The user follows an active plan: a recorded activity may complete that day's planned workout. */
  has_active_plan: boolean;
}

export interface UpsertOp {
  kind: 'upsert';
  userId: string;
  candidate: ActivityCandidate;
  /** 'app': the athlete's own entry (its rpe/feeling/notes win); 'vendor': fills what the athlete left blank. */
  origin: 'app' | 'vendor';
  feeling?: number | null;
  notes?: string | null;
  /** The athlete gave no type (the candidate's is a default): an existing activity keeps its own. */
  typeIsDefault?: boolean;
}

export interface PatchOp {
  kind: 'patch';
  userId: string;
  activityId: string;
  set: { rpe?: number; feeling?: number | null; notes?: string | null; type?: ActivityType };
}

export type DeleteOp = { kind: 'delete'; userId: string } & ({ activityId: string } | { source: ActivitySource; externalId: string });

export type ActivityOp = UpsertOp | PatchOp | DeleteOp;

export type OpResult =
  | { kind: 'created' | 'updated' | 'unchanged'; activityId: string; duplicateOf: string | null }
  | { kind: 'deleted'; activityId: string }
  | { kind: 'not-found' }
  | { kind: 'unknown-user' }
  | { kind: 'rejected'; field: string; reason: string };

export interface Rejection {
  userId: string;
  vendor: IngestVendor;
  externalId: string | null;
  reason: string;
  /** No health data: which field, and what the athlete needs to recognise the activity. */
  summary: { field: string; type: ActivityType; startTime: string };
}

export interface VendorKey {
  userId: string;
  vendor: IngestVendor;
  externalId: string;
}

/** The rows a batch can touch; store.ts loads them, tests build them. */
export type WorkingRow = Omit<ActivityRow, 'updated_at'>;
