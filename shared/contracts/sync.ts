// Offline sync (GET and POST /api/v1/sync). A change's `data` is what the entity's own route answers, with that
// route's schema; a mutation's `data` is that route's body, checked per mutation (shared/sync/push.ts) so one
// bad item is answered `rejected` and the others still apply.
import { z } from 'zod';
import { syncEntities } from '../db/schema';
import { Activity } from './activities';
import { MeResponse } from './me';
import { DailyMetricsDay, LoadDay, RiskAlert } from './metrics';
import { Notification } from './notifications';
import { Task } from './tasks';

export const SyncEntity = z.enum(syncEntities);

/** An opaque position in the user's change feed. */
export const SyncCursor = z.string().min(1).max(64).describe('Opaque; pass back the nextCursor of the previous page');

export const PullQuery = z.object({
  /** Absent: everything (the first sync of a new phone). */
  cursor: SyncCursor.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type PullQuery = z.infer<typeof PullQuery>;

const upsert = <E extends string, T extends z.ZodType>(entity: E, data: T) =>
  z.object({ entity: z.literal(entity), id: z.string(), op: z.literal('upsert'), data });

/** Each entity's `data` is shaped as its single-item route answers it. */
export const SyncChange = z.union([
  upsert('profile', MeResponse).describe('GET /api/v1/me; id is the user id'),
  upsert('activity', Activity).describe('GET /api/v1/activities/{id}'),
  upsert('dailyMetric', DailyMetricsDay).describe('POST /api/v1/daily-metrics; id is the date'),
  upsert('loadDay', LoadDay).describe('a day of GET /api/v1/metrics/load; id is the date'),
  upsert('alert', RiskAlert).describe('an alert of GET /api/v1/metrics/load'),
  upsert('task', Task).describe('a task of GET /api/v1/tasks (done and dismissed ones too)'),
  upsert('notification', Notification).describe('a notification of GET /api/v1/notifications'),
  z
    .object({ entity: SyncEntity, id: z.string(), op: z.literal('delete'), data: z.null() })
    .describe('a tombstone: the entity was deleted (directly or by a cascade)'),
]);
export type SyncChange = z.infer<typeof SyncChange>;

export const SyncPage = z.object({
  /** Oldest change first; an entity appears at most once per page, in its latest state. */
  changes: z.array(SyncChange),
  /** Pass it as `cursor` next time; with hasMore, right away. */
  nextCursor: SyncCursor,
  hasMore: z.boolean(),
});
export type SyncPage = z.infer<typeof SyncPage>;

// ---- POST ------------------------------------------------------------------------------------------

export const mutationEntities = ['activity', 'dailyMetric', 'workout', 'notification', 'task'] as const;
export const mutationOps = ['upsert', 'delete', 'complete', 'skip', 'read'] as const;
export const MAX_MUTATIONS = 500;

export const SyncMutation = z.strictObject({
  /** The app's id for this change: a replay with the same id is answered, never applied twice. */
  clientMutationId: z.uuid(),
  entity: z.enum(mutationEntities),
  op: z.enum(mutationOps),
  /** The entity's id (a uuid; for a dailyMetric, its date). */
  id: z.string().min(1).max(64).optional(),
  /**
   * activity upsert without id: the body of POST /activities; with id: the body of PATCH /activities/{id}.
   * dailyMetric upsert: the body of POST /daily-metrics. task complete: { rpe }.
   */
  data: z.unknown().optional(),
  /** When the athlete made the change, by the phone's clock: the conflict rule compares these. */
  clientTimestamp: z.iso.datetime({ offset: true }),
});
export type SyncMutation = z.infer<typeof SyncMutation>;

export const PushBody = z.strictObject({ mutations: z.array(SyncMutation).min(1).max(MAX_MUTATIONS) });
export type PushBody = z.infer<typeof PushBody>;

export const mutationStatuses = ['applied', 'duplicate', 'conflict', 'rejected'] as const;

export const MutationResult = z.object({
  clientMutationId: z.uuid(),
  status: z.enum(mutationStatuses),
  /** The entity the mutation created or changed. */
  id: z.string().optional(),
  /** For a duplicate: what the first delivery was answered. */
  firstStatus: z.enum(['applied', 'conflict', 'rejected']).optional(),
  /** Why it was not applied: stale, deleted, not_found, invalid, unsupported, closed. */
  reason: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = z.object({
  /** One per mutation, in order. */
  results: z.array(MutationResult),
  /** GET /sync from here returns what this batch changed (with the server's computed fields). */
  cursor: SyncCursor,
});
export type PushResponse = z.infer<typeof PushResponse>;
