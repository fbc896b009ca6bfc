// The daily check-in and vendor wellness share one path: merge into the day, judge readiness over the stored
// history, follow the athlete's resting HR / HRV baselines, and announce DailyMetricLogged (outbox).
import { sql, type Selectable, type Transaction } from 'kysely';
import type { z } from 'zod';
import { DailyMetricsCandidate, type DailyMetricsDay, type ReadinessReason } from '../contracts/metrics';
import { addDays, localDateOf } from '../domain/dates';
import { recomputeTrimpHistory } from '../activities/trimp-history';
import { assessReadiness, baselines, lastRpeBefore, sleepIndex, type DailyPhysiology } from '../domain/readiness';
import { clock as currentClock, type Clock } from '../clock';
import type { Conn, Db } from '../db/connection';
import type { Database, DailyMetricsTable, JsonArray } from '../db/schema';
import { DetailType } from '../events/catalogue';
import { enqueueEvents, publishEnqueued, type EnqueuedEvent } from '../events/outbox';
import { eventBridgePublisher, type EventPublisher } from '../events/publisher';
import { NotFound, Unprocessable, type FieldError } from '../errors';
import { fieldError, parseFields } from '../field-errors';
import { homeChanged } from '../home/cache';

type DayRow = Selectable<DailyMetricsTable>;

/** API name -> column, for every value a source may report. */
const FIELDS = {
  restingHr: 'resting_hr',
  hrvRmssd: 'hrv_rmssd',
  hrvSdnnMs: 'hrv_sdnn_ms',
  weightKg: 'weight_kg',
  sleepDurationMinutes: 'sleep_duration_minutes',
  sleepQuality: 'sleep_quality',
  morningReadiness: 'morning_readiness',
  soreness: 'soreness',
  stress: 'stress',
  mood: 'mood',
} as const satisfies Partial<Record<keyof DailyMetricsCandidate, keyof DailyMetricsTable>>;

// The readiness rule looks back 60 days for the normal ranges (shared/domain/readiness.ts).
const HISTORY_DAYS = 60;

export interface UpsertDailyMetricsOptions {
  clock?: Clock;
  publisher?: EventPublisher;
  /** How a 422 names field `field` of candidate `index`; the API passes (_, f) => `body.${f}`. */
  fieldName?: (index: number, field: string) => string;
  /**
   * 'reject' (default): any invalid day refuses the whole call with a 422. 'skip': invalid days (a value out
   * of range, a day after the athlete's today, e.g. a vendor in another zone) are left out, the rest stored.
   */
  invalid?: 'reject' | 'skip';
}

/**
 * Upserts one or more days for the user. A value that is absent keeps what the day has (another source may
 * have reported it); null clears it. Each written day gets its sleep index and readiness; the user's resting
 * HR and HRV baselines follow the 60-day means. Invalid values, or a day after the athlete's local today,
 * reject the whole call with a 422 and store nothing. Takes the database handle (it opens a transaction).
 */
export async function upsertDailyMetrics(
  db: Db,
  userId: string,
  candidates: readonly DailyMetricsCandidate[],
  options: UpsertDailyMetricsOptions = {},
): Promise<DailyMetricsDay[]> {
  const name = options.fieldName ?? ((index: number, field: string) => `candidates.${index}.${field}`);
  const skip = options.invalid === 'skip';
  const checked = validate(candidates, name, skip);
  if (checked.length === 0) return [];
  const now = (options.clock ?? currentClock()).now();

  const stored = await db.transaction().execute(async (trx) => {
    const write = await writeDailyMetrics(
      trx,
      userId,
      checked.map((c) => c.candidate),
      now,
    );
    if (write.future.length > 0 && !skip) {
      // Thrown inside the transaction: nothing is stored.
      throw new Unprocessable(write.future.map((i) => fieldError(name(checked[i]!.index, 'date'), `must not be after your local today (${write.today})`)));
    }
    return write;
  });

  // After commit; if PutEvents fails the events stay in the outbox for the relay.
  await publishEnqueued(db, options.publisher ?? eventBridgePublisher, stored.enqueued);
  if (stored.written.length > 0) await homeChanged(userId);
  const byDate = new Map(stored.written.map((row) => [row.date, row]));
  return checked.flatMap(({ candidate }) => {
    const row = byDate.get(candidate.date);
    return row ? [toDay(row)] : [];
  });
}

export interface DailyMetricsWrite {
  /** The athlete's local today. */
  today: string;
  /** The stored days (one per date written). */
  written: DayRow[];
  /** Positions of the candidates dated after today: left out. */
  future: number[];
  /** DailyMetricLogged per date written, in the outbox; the caller publishes after commit. */
  enqueued: EnqueuedEvent[];
}

/**
 * The write itself, inside the caller's transaction, for candidates already checked against
 * DailyMetricsCandidate: the user's check-in lock, merge, readiness, baselines, events. Days after the athlete's
 * local today are left out and named in `future`. POST /sync calls it inside its own transaction.
 */
export async function writeDailyMetrics(
  trx: Transaction<Database>,
  userId: string,
  candidates: readonly DailyMetricsCandidate[],
  now: Date,
): Promise<DailyMetricsWrite> {
  // One writer per user at a time: sources merge into the same day and the readiness reads the merged result.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`daily_metrics:${userId}`}, 0))`.execute(trx);
  const user = await trx
    .selectFrom('users')
    .select(['time_zone', 'resting_hr', 'hrv_rmssd', 'max_hr', 'lactate_threshold_hr', 'sex'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('No such user');
  const today = localDateOf(now, user.time_zone);
  const future = candidates.flatMap((candidate, i) => (candidate.date > today ? [i] : []));
  const valid = candidates.filter((c) => c.date <= today);
  if (valid.length === 0) return { today, written: [], future, enqueued: [] };

  const dates = [...new Set(valid.map((c) => c.date))].sort();
  const history = await trx
    .selectFrom('daily_metrics')
    .selectAll()
    .where('user_id', '=', userId)
    .where('date', '>=', addDays(dates[0]!, -HISTORY_DAYS))
    .where('date', '<=', today)
    .execute();
  const lastRpes = await lastRpeBeforeEach(trx, userId, dates);

  const days = new Map(history.map((row) => [row.date, row]));
  for (const candidate of valid) days.set(candidate.date, merge(days.get(candidate.date) ?? emptyDay(userId, candidate.date), candidate));
  const physiology: DailyPhysiology[] = [...days.values()].map((d) => ({ date: d.date, restingHr: d.resting_hr, rmssd: d.hrv_rmssd }));
  const judged = dates.map((date) => judge(days.get(date)!, physiology, lastRpes.get(date) ?? null));

  const written = await trx
    .insertInto('daily_metrics')
    .values(judged.map(({ created_at: _c, updated_at: _u, readiness_reasons, ...day }) => ({ ...day, readiness_reasons: JSON.stringify(readiness_reasons) })))
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

  const followed = await followBaselines(trx, userId, user, baselines(physiology, today));
  // A resting HR baseline that moved puts the TRIMP history on the new scale.
  const trimps = followed !== null && followed !== user.resting_hr ? await recomputeTrimpHistory(trx, userId, { ...user, resting_hr: followed }) : [];
  const events = dates.map((date) => ({ detailType: DetailType.DailyMetricLogged, detail: { userId, date } }));
  return { today, written, future, enqueued: [...trimps, ...(await enqueueEvents(trx, events))] };
}

/** GET /api/v1/daily-metrics: the stored days in the range, oldest first. */
export async function listDailyMetrics(db: Conn, userId: string, range: { from: string; to: string }): Promise<DailyMetricsDay[]> {
  const rows = await db
    .selectFrom('daily_metrics')
    .selectAll()
    .where('user_id', '=', userId)
    .where('date', '>=', range.from)
    .where('date', '<=', range.to)
    .orderBy('date')
    .execute();
  return rows.map(toDay);
}

export function toDay(row: DayRow): DailyMetricsDay {
  return {
    date: row.date,
    restingHr: row.resting_hr,
    hrvRmssd: row.hrv_rmssd,
    hrvSdnnMs: row.hrv_sdnn_ms,
    weightKg: row.weight_kg,
    sleepDurationMinutes: row.sleep_duration_minutes,
    sleepQuality: row.sleep_quality,
    sleepIndex: row.sleep_index,
    morningReadiness: row.morning_readiness,
    soreness: row.soreness,
    stress: row.stress,
    mood: row.mood,
    readiness: row.readiness_light === null ? null : { light: row.readiness_light, reasons: row.readiness_reasons as z.infer<typeof ReadinessReason>[] },
  };
}

function validate(
  candidates: readonly DailyMetricsCandidate[],
  name: (index: number, field: string) => string,
  skip: boolean,
): { candidate: DailyMetricsCandidate; index: number }[] {
  const errors: FieldError[] = [];
  const valid = candidates.flatMap((candidate, index) => {
    const parsed = parseFields(DailyMetricsCandidate, candidate, 'day');
    if ('data' in parsed) return [{ candidate: parsed.data, index }];
    for (const error of parsed.errors) errors.push({ field: name(index, error.field.slice('day.'.length)), message: error.message });
    return [];
  });
  if (errors.length > 0 && !skip) throw new Unprocessable(errors);
  return valid;
}

function emptyDay(userId: string, date: string): DayRow {
  const now = new Date();
  return {
    user_id: userId,
    date,
    resting_hr: null,
    hrv_rmssd: null,
    hrv_sdnn_ms: null,
    weight_kg: null,
    sleep_duration_minutes: null,
    sleep_quality: null,
    sleep_index: null,
    morning_readiness: null,
    soreness: null,
    stress: null,
    mood: null,
    readiness_light: null,
    readiness_reasons: [],
    created_at: now,
    updated_at: now,
  };
}

function merge(day: DayRow, candidate: DailyMetricsCandidate): DayRow {
  const merged = { ...day };
  for (const [field, column] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
    const value = candidate[field];
    if (value !== undefined) merged[column] = value;
  }
  return merged;
}

function judge(day: DayRow, physiology: readonly DailyPhysiology[], lastActivityRpe: number | null): DayRow {
  const readiness = assessReadiness({
    today: day.date,
    physiology,
    checkIn: {
      sleepMinutes: day.sleep_duration_minutes,
      sleepQuality: day.sleep_quality,
      soreness: day.soreness,
      morningReadiness: day.morning_readiness,
      stress: day.stress,
    },
    lastActivityRpe,
  });
  return {
    ...day,
    sleep_index: day.sleep_duration_minutes === null || day.sleep_quality === null ? null : sleepIndex(day.sleep_duration_minutes, day.sleep_quality),
    readiness_light: readiness.light,
    readiness_reasons: readiness.reasons as unknown as JsonArray,
  };
}

/** The RPE of the last activity before each date (the "hard last session" flag); one query for all dates. */
async function lastRpeBeforeEach(db: Conn, userId: string, dates: readonly string[]): Promise<Map<string, number | null>> {
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

/**
 * users.resting_hr / hrv_rmssd follow the 60-day means (TRIMP's heart-rate reserve reads them). Fewer than 14
 * readings keep the old value; a resting HR that would reach the lactate-threshold or max HR is not taken
 * (the profile's order check) and waits for the athlete to fix those.
 */
async function followBaselines(
  db: Conn,
  userId: string,
  user: { resting_hr: number | null; hrv_rmssd: number | null; max_hr: number | null; lactate_threshold_hr: number | null },
  means: { restingHr: number | null; hrvRmssdMs: number | null },
): Promise<number | null> {
  const restingHr = means.restingHr === null ? null : Math.round(means.restingHr);
  const ceiling = Math.min(user.max_hr ?? Infinity, user.lactate_threshold_hr ?? Infinity);
  const set: { resting_hr?: number; hrv_rmssd?: number } = {};
  if (restingHr !== null && restingHr >= 25 && restingHr <= 120 && restingHr < ceiling && restingHr !== user.resting_hr) set.resting_hr = restingHr;
  if (means.hrvRmssdMs !== null && means.hrvRmssdMs > 0 && means.hrvRmssdMs < 500 && means.hrvRmssdMs !== user.hrv_rmssd) set.hrv_rmssd = means.hrvRmssdMs;
  if (Object.keys(set).length > 0) await db.updateTable('users').set(set).where('id', '=', userId).execute();
  return set.resting_hr ?? user.resting_hr;
}
