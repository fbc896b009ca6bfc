// Offline sync (GET and POST /api/v1/sync). A change's `data` is what the entity's own route answers, with that
// route's schema; a mutation's `data` is that route's body, checked per mutation (shared/sync/push.ts) so one
// bad item is answered `rejected` and the others still apply.
import * as z from 'zod';
import { syncEntities } from '#shared/db/schema';
import { Activity } from './activities';
import { MeResponse } from './me';
import { DailyMetricsDay, LoadDay, RiskAlert } from './metrics';
import { Notification } from './notifications';
import { Plan, PlanChange, Workout } from './plans';
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
  upsert('plan', Plan).describe('the plan of GET /api/v1/plan/current (cancelled and completed plans too)'),
  upsert('workout', Workout).describe('a workout of GET /api/v1/plan/current; one a new plan version replaced comes as a tombstone'),
  upsert('planChange', PlanChange).describe('one version of a plan: why it changed and each workout before and after'),
  z
    .object({ entity: SyncEntity, id: z.string(), op: z.literal('delete'), data: z.null() })
    .describe('a tombstone: the entity was deleted (directly or by a cascade)'),
]);
export type SyncChange = z.infer<typeof SyncChange>;

export const SyncPage = z
  .object({
    /** Oldest change first; an entity appears at most once per page, in its latest state. */
    changes: z.array(SyncChange),
    /** Pass it as `cursor` next time; with hasMore, right away. */
    nextCursor: SyncCursor,
    hasMore: z.boolean(),
  })
  .meta({
    examples: [
      {
        changes: [
          {
            entity: 'dailyMetric',
            id: '2026-03-09',
            op: 'upsert',
            data: {
              date: '2026-03-09',
              restingHr: 48,
              hrvRmssd: 62,
              hrvSdnnMs: null,
              weightKg: null,
              sleepDurationMinutes: 450,
              sleepQuality: 7,
              sleepIndex: 52.5,
              morningReadiness: null,
              soreness: 3,
              stress: null,
              mood: null,
              readiness: { light: 'green', reasons: [] },
            },
          },
          { entity: 'activity', id: '0f5b3c2e-8a51-4c1e-9a57-2f4f7f3a9d10', op: 'delete', data: null },
        ],
        nextCursor: 'djE6MTI4',
        hasMore: false,
      },
    ],
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

export const PushBody = z.strictObject({ mutations: z.array(SyncMutation).min(1).max(MAX_MUTATIONS) }).meta({
  examples: [
    {
      mutations: [
        {
          clientMutationId: '3b241101-e2bb-4255-8caf-4136c566a962',
          entity: 'activity',
          op: 'upsert',
          data: { startTime: '2026-03-09T07:30:00+01:00', durationMinutes: 50, distanceMeters: 10000, rpe: 6, externalId: 'phone-7f3a' },
          clientTimestamp: '2026-03-09T08:35:00+01:00',
        },
        {
          clientMutationId: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
          entity: 'dailyMetric',
          op: 'upsert',
          data: { date: '2026-03-10', soreness: 3, sleepQuality: 7 },
          clientTimestamp: '2026-03-10T07:02:00+01:00',
        },
        {
          clientMutationId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
          entity: 'notification',
          op: 'read',
          id: '1c6f0d52-3f8e-4b8e-9f0e-5d2b8d0a7c11',
          clientTimestamp: '2026-03-10T07:03:00+01:00',
        },
      ],
    },
  ],
});
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

export const PushResponse = z
  .object({
    /** One per mutation, in order. */
    results: z.array(MutationResult),
    /** GET /sync from here returns what this batch changed (with the server's computed fields). */
    cursor: SyncCursor,
  })
  .meta({
    examples: [
      {
        results: [
          { clientMutationId: '3b241101-e2bb-4255-8caf-4136c566a962', status: 'applied', id: '0f5b3c2e-8a51-4c1e-9a57-2f4f7f3a9d10' },
          {
            clientMutationId: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
            status: 'rejected',
            reason: 'invalid',
            errors: [{ field: 'mutations.1.data.date', message: 'must not be after your local today (2026-03-09)' }],
          },
          { clientMutationId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', status: 'duplicate', firstStatus: 'applied', id: '1c6f0d52-3f8e-4b8e-9f0e-5d2b8d0a7c11' },
        ],
        cursor: 'djE6MTI0',
      },
    ],
  });
export type PushResponse = z.infer<typeof PushResponse>;
