// Reading an activity's stored samples back as the per-second rows the export shows.
import type { Conn } from '#shared/db/connection';
import { sampleRowsOf, type SampleRow } from '#shared/activities/sample-channels';

export async function storedSamples(db: Conn, activityId: string): Promise<SampleRow[]> {
  const row = await db
    .selectFrom('activity_samples')
    .select(['seconds', 'hr', 'speed_mps', 'cadence', 'power_w'])
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  return row ? sampleRowsOf(row) : [];
}
