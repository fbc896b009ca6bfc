// The SQL of the daily metrics: the check-in lock, the reads a write judges against, one upsert for every
// day written, the profile's baselines, and the range read of GET /daily-metrics.
import { sql, type Selectable, type Transaction } from 'kysely';
import type { BaselineUpdate } from '#shared/domain/profile-baselines';
import { lastRpeBefore } from '#shared/domain/readiness';
import type { Conn } from '#shared/db/connection';
import type { Database, DailyMetricsTable, UsersTable } from '#shared/db/schema';

export type DayRow = Selectable<DailyMetricsTable>;

/** What a daily-metrics write reads of the athlete: the zone of "today", the baselines and the HR ceiling. */
export type AthleteProfile = Pick<Selectable<UsersTable>, 'time_zone' | 'resting_hr' | 'hrv_rmssd' | 'max_hr' | 'lactate_threshold_hr' | 'sex'>;

/** One writer per user at a time, until the transaction ends: sources merge into the same day and the readiness reads the merged result. */
export async function lockDailyMetrics(trx: Transaction<Database>, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`daily_metrics:${userId}`}, 0))`.execute(trx);
}

/** The athlete's profile; undefined when the user no longer exists. */
export async function readAthleteProfile(db: Conn, userId: string): Promise<AthleteProfile | undefined> {
  return db
    .selectFrom('users')
    .select(['time_zone', 'resting_hr', 'hrv_rmssd', 'max_hr', 'lactate_threshold_hr', 'sex'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** The stored days in the range, oldest first. */
export async function readDays(db: Conn, userId: string, range: { from: string; to: string }): Promise<DayRow[]> {
  return db
    .selectFrom('daily_metrics')
    .selectAll()
    .where('user_id', '=', userId)
    .where('date', '>=', range.from)
    .where('date', '<=', range.to)
    .orderBy('date')
    .execute();
}

/** The RPE of the last activity before each date (the "hard last session" flag); one query for all dates. */
export async function lastRpeBeforeEach(db: Conn, userId: string, dates: readonly string[]): Promise<Map<string, number | null>> {
  const { rows } = await sql<{ date: string; local_date: string | null; start_time: Date | null; rpe: number | null }>`
    select d.date, a.local_date, a.start_time, a.rpe
    from unnest(${dates}::date[]) as d (date)
    left join lateral (
      select local_date, start_time, rpe from activities
      where user_id = ${userId} and duplicate_of is null and local_date < d.date
      order by start_time desc
      limit 1
    ) a on true`.execute(db);
  return new Map(
    rows.map((row) => [
      row.date,
      row.local_date === null || row.start_time === null
        ? null
        : lastRpeBefore([{ localDate: row.local_date, startTime: row.start_time, rpe: row.rpe }], row.date),
    ]),
  );
}

/** One statement for all the days: every value the day holds now, as merged and judged (timestamps are the database's). */
export async function upsertDays(db: Conn, days: readonly DayRow[]): Promise<DayRow[]> {
  return db
    .insertInto('daily_metrics')
    .values(days.map(({ created_at: _c, updated_at: _u, readiness_reasons, ...day }) => ({ ...day, readiness_reasons: JSON.stringify(readiness_reasons) })))
    .onConflict((oc) =>
      oc.columns(['user_id', 'date']).doUpdateSet((eb) => ({
        resting_hr: eb.ref('excluded.resting_hr'),
        hrv_rmssd: eb.ref('excluded.hrv_rmssd'),
        hrv_sdnn_ms: eb.ref('excluded.hrv_sdnn_ms'),
        weight_kg: eb.ref('excluded.weight_kg'),
        sleep_duration_minutes: eb.ref('excluded.sleep_duration_minutes'),
        sleep_quality: eb.ref('excluded.sleep_quality'),
        sleep_index: eb.ref('excluded.sleep_index'),
        morning_readiness: eb.ref('excluded.morning_readiness'),
        soreness: eb.ref('excluded.soreness'),
        stress: eb.ref('excluded.stress'),
        mood: eb.ref('excluded.mood'),
        readiness_light: eb.ref('excluded.readiness_light'),
        readiness_reasons: eb.ref('excluded.readiness_reasons'),
      })),
    )
    .returningAll()
    .execute();
}

/** users.resting_hr / hrv_rmssd: the baselines TRIMP's heart-rate reserve and the readiness rule read. */
export async function updateProfileBaselines(db: Conn, userId: string, update: BaselineUpdate): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(update.restingHr !== undefined && { resting_hr: update.restingHr }),
      ...(update.hrvRmssd !== undefined && { hrv_rmssd: update.hrvRmssd }),
    })
    .where('id', '=', userId)
    .execute();
}
