// TRIMP depends on the athlete's resting and maximum HR (and sex): when those change, every counted
// activity's TRIMP is worked out again, so the history is on one scale instead of each activity keeping
// the baselines of the day it arrived. One read, one read of HR samples, one write for the whole history.
import { sql, type Transaction } from 'kysely';
import type { Database, Sex } from '#shared/db/schema';
import { activityTrimp } from '#shared/domain/trimp';
import { DetailType } from '#shared/events/catalogue';
import { enqueueEvents, type EnqueuedEvent } from '#shared/events/outbox';
import { loadHeartRates } from './store';

export interface TrimpBaselines {
  resting_hr: number | null;
  max_hr: number | null;
  sex: Sex;
}

export const trimpBaselinesChanged = (a: TrimpBaselines, b: TrimpBaselines) => a.resting_hr !== b.resting_hr || a.max_hr !== b.max_hr || a.sex !== b.sex;

/**
 * Recomputes the user's TRIMP history with `baselines` inside the caller's transaction; returns the
 * ActivityRecorded (from the earliest changed day) to publish after commit, or nothing when no value moved.
 */
export async function recomputeTrimpHistory(trx: Transaction<Database>, userId: string, baselines: TrimpBaselines): Promise<EnqueuedEvent[]> {
  const rows = await trx
    .selectFrom('activities')
    .select(['id', 'user_id', 'duration_minutes', 'avg_hr', 'trimp', 'local_date'])
    .where('user_id', '=', userId)
    .where('duplicate_of', 'is', null)
    .orderBy('local_date')
    .execute();
  if (rows.length === 0) return [];
  const samples = await loadHeartRates(trx, rows);
  const profile = { restingHr: baselines.resting_hr, maxHr: baselines.max_hr, sex: baselines.sex };
  const changed = rows.flatMap((r) => {
    const trimp = activityTrimp({ durationMinutes: r.duration_minutes, avgHr: r.avg_hr, samples: samples.get(r.id) ?? [] }, profile);
    return trimp === r.trimp ? [] : [{ ...r, trimp }];
  });
  if (changed.length === 0) return [];
  await sql`
    update activities a set trimp = c.trimp
      from unnest(${changed.map((r) => r.id)}::uuid[], ${changed.map((r) => r.trimp)}::float8[]) c (id, trimp)
     where a.user_id = ${userId}::uuid and a.id = c.id`.execute(trx);
  const first = changed[0]!;
  return enqueueEvents(trx, [
    { detailType: DetailType.ActivityRecorded, detail: { userId, activityId: first.id, localDate: first.local_date, change: 'updated' as const } },
  ]);
}
