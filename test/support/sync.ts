// A POST /sync mutation for the sync tests: a fresh clientMutationId and a fixed client time, unless given.
import { randomUUID } from 'node:crypto';
import type { SyncMutation } from '#shared/contracts/sync';

export const mutation = (entity: SyncMutation['entity'], op: SyncMutation['op'], rest: Partial<SyncMutation> = {}): SyncMutation => ({
  clientMutationId: randomUUID(),
  entity,
  op,
  clientTimestamp: '2024-06-01T08:00:00Z',
  ...rest,
});
