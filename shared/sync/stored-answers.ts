// What sync_mutations keeps of an answer (migration 0012): its columns say the status and the entity
// (entity_id), so result_detail holds only the rest: reason and errors, and `id` where it is not what the
// columns imply (applied or conflict: the entity; rejected: no id). The plain applied answer is stored as null.
// A replay is answered from storedAnswer; its clientMutationId is the replay's own.
import type { MutationResult } from '#shared/contracts/sync';
import type { JsonObject, SyncMutationStatus } from '#shared/db/schema';

/** An answer as stored: what a replay repeats as its `duplicate` (firstStatus, id, reason, errors). */
export type StoredAnswer = Omit<MutationResult, 'clientMutationId' | 'status'> & { status: SyncMutationStatus };

/** The id the columns imply. */
const impliedId = (status: string, entityId: string | null): string | undefined => (status === 'rejected' || entityId === null ? undefined : entityId);

/**
 * The answer's fields beyond the columns, or null when the columns say it all (most answers). Every field of
 * MutationResult is one of: the replay's own (clientMutationId), a column (status), or here.
 */
export function answerDetail(answer: MutationResult, entityId: string | null): JsonObject | null {
  let detail: JsonObject | null = null;
  if (answer.firstStatus !== undefined) (detail ??= {}).firstStatus = answer.firstStatus;
  if (answer.reason !== undefined) (detail ??= {}).reason = answer.reason;
  if (answer.errors !== undefined) (detail ??= {}).errors = answer.errors;
  // `id: null`: the columns imply an id the answer did not give.
  if (answer.id !== impliedId(answer.status, entityId)) (detail ??= {}).id = answer.id ?? null;
  return detail;
}

/**
 * The answer a row stores. A row written before migration 0012 holds the whole answer in result_detail: its
 * clientMutationId and status are the columns' again, and it says its id itself (none when it has none).
 */
export function storedAnswer(status: SyncMutationStatus, entityId: string | null, detail: JsonObject | null): StoredAnswer {
  const { clientMutationId: _, status: whole, id, ...rest } = (detail ?? {}) as Partial<MutationResult> & { id?: string | null };
  const answerId = id !== undefined ? id : whole === undefined ? impliedId(status, entityId) : undefined;
  return answerId === null || answerId === undefined ? { status, ...rest } : { status, id: answerId, ...rest };
}
