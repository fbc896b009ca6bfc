// A stored sync answer keeps only what its row's columns do not say, and a replay gets the whole answer back:
// every kind of answer comes back as it was given, and an answer stored whole (before migration 0012) too.
import { describe, expect, it } from 'vitest';
import { MutationResult } from '#shared/contracts/sync';
import { answerDetail, storedAnswer } from '#shared/sync/stored-answers';

const cmid = '3b241101-e2bb-4255-8caf-4136c566a962';
const activity = '0f5b3c2e-8a51-4c1e-9a57-2f4f7f3a9d10';

/** What a replay repeats of an answer: everything but its clientMutationId. */
const repeated = ({ clientMutationId: _, ...rest }: MutationResult) => rest;

describe('a stored sync answer', () => {
  const cases: [string, MutationResult, string | null][] = [
    ['applied, the entity its id', { clientMutationId: cmid, status: 'applied', id: activity }, activity],
    ['applied to a day', { clientMutationId: cmid, status: 'applied', id: '2026-03-10' }, '2026-03-10'],
    ['applied, the id spelled otherwise than the entity', { clientMutationId: cmid, status: 'applied', id: activity }, activity.toUpperCase()],
    ['applied without an id', { clientMutationId: cmid, status: 'applied' }, activity],
    ['a conflict', { clientMutationId: cmid, status: 'conflict', reason: 'stale', id: activity }, activity],
    [
      'rejected, naming its fields',
      { clientMutationId: cmid, status: 'rejected', reason: 'invalid', errors: [{ field: 'mutations.0.data.rpe', message: 'Too big' }] },
      null,
    ],
    [
      'rejected about a known entity',
      { clientMutationId: cmid, status: 'rejected', reason: 'not_found', errors: [{ field: 'mutations.3.id', message: 'no such task' }] },
      activity,
    ],
    ['rejected with an id', { clientMutationId: cmid, status: 'rejected', reason: 'invalid', id: activity }, activity],
  ];

  it.each(cases)('%s comes back as it was given', (_, answer, entityId) => {
    const detail = answerDetail(answer, entityId);
    const stored = storedAnswer(answer.status as 'applied' | 'conflict' | 'rejected', entityId, detail === null ? null : JSON.parse(JSON.stringify(detail)));
    expect(stored).toEqual(repeated(answer));
  });

  it('is nothing beyond its columns when it is the plain applied answer, and never repeats the clientMutationId or status', () => {
    expect(answerDetail({ clientMutationId: cmid, status: 'applied', id: activity }, activity)).toBeNull();
    expect(answerDetail({ clientMutationId: cmid, status: 'conflict', reason: 'stale', id: activity }, activity)).toEqual({ reason: 'stale' });
  });

  it('keeps every field an answer can have', () => {
    const full: Required<MutationResult> = {
      clientMutationId: cmid,
      status: 'rejected',
      id: activity,
      firstStatus: 'applied',
      reason: 'invalid',
      errors: [{ field: 'mutations.0.id', message: 'must be a uuid' }],
    };
    // A field added to MutationResult fails here until answerDetail stores it (or a column says it).
    expect(Object.keys(full).sort()).toEqual(Object.keys(MutationResult.shape).sort());
    expect(storedAnswer('rejected', null, answerDetail(full, null))).toEqual(repeated(full));
  });

  it('stored whole, as before migration 0012, reads the same', () => {
    for (const [, answer, entityId] of cases) {
      const whole = JSON.parse(JSON.stringify(answer));
      expect(storedAnswer(answer.status as 'applied' | 'conflict' | 'rejected', entityId, whole)).toEqual(repeated(answer));
    }
  });
});
