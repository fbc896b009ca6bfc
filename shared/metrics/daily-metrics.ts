// The daily check-in and vendor wellness share one path: validate (daily-metrics-validation.ts), merge into the
// day (daily-metrics-merge.ts), judge readiness over the stored history (daily-metrics-readiness.ts), follow the
// athlete's resting HR / HRV baselines (shared/domain/profile-baselines.ts), write it all (daily-metrics-store.ts)
// and announce DailyMetricLogged (outbox).
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { DailyMetricsCandidate, DailyMetricsDay, ReadinessReason } from '#shared/contracts/metrics';
import { addDays, localDateOf } from '#shared/domain/dates';
import { followBaselines } from '#shared/domain/profile-baselines';
import { baselines } from '#shared/domain/readiness';
import { recomputeTrimpHistory } from '#shared/activities/trimp-history';
import type { Conn, Db } from '#shared/db/connection';
import type { Database } from '#shared/db/schema';
import { DetailType } from '#shared/events/catalogue';
import { enqueueEvents, publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { NotFound, Unprocessable } from '#shared/errors';
import { fieldError } from '#shared/field-errors';
import { homeChanged } from '#shared/home/cache';
import { emptyDay, mergeDay } from './daily-metrics-merge';
import { HISTORY_DAYS, judgeDay, physiologyOf } from './daily-metrics-readiness';
import { type DayRow, lastRpeBeforeEach, lockDailyMetrics, readAthleteProfile, readDays, updateProfileBaselines, upsertDays } from './daily-metrics-store';
import { type FieldName, validateCandidates } from './daily-metrics-validation';

export interface DailyMetricsDeps {
  db: Db;
  publisher: EventPublisher;
  /** The request's time: the athlete's local today is computed from it. */
  now: Date;
}

export interface UpsertDailyMetricsOptions {
  /** How a 422 names field `field` of candidate `index`; the API passes (_, f) => `body.${f}`. */
  fieldName?: FieldName;
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
 * reject the whole call with a 422 and store nothing. Opens its own transaction; publishes after commit.
 */
export async function upsertDailyMetrics(
  deps: DailyMetricsDeps,
  userId: string,
  candidates: readonly DailyMetricsCandidate[],
  options: UpsertDailyMetricsOptions = {},
): Promise<DailyMetricsDay[]> {
  const name = options.fieldName ?? ((index: number, field: string) => `candidates.${index}.${field}`);
  const skip = options.invalid === 'skip';
  const checked = validateCandidates(candidates, name, skip);
  if (checked.length === 0) return [];

  const stored = await deps.db.transaction().execute(async (trx) => {
    const write = await writeDailyMetrics(
      trx,
      userId,
      checked.map((c) => c.candidate),
      deps.now,
    );
    if (write.future.length > 0 && !skip) {
      // Thrown inside the transaction: nothing is stored.
      throw new Unprocessable(write.future.map((i) => fieldError(name(checked[i]!.index, 'date'), `must not be after your local today (${write.today})`)));
    }
    return write;
  });

  // After commit; if PutEvents fails the events stay in the outbox for the relay.
  await publishEnqueued(deps.db, deps.publisher, stored.enqueued);
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
  await lockDailyMetrics(trx, userId);
  const user = await readAthleteProfile(trx, userId);
  if (!user) throw new NotFound('No such user');
  const today = localDateOf(now, user.time_zone);
  const future = candidates.flatMap((candidate, i) => (candidate.date > today ? [i] : []));
  const valid = candidates.filter((c) => c.date <= today);
  if (valid.length === 0) return { today, written: [], future, enqueued: [] };

  const dates = [...new Set(valid.map((c) => c.date))].sort();
  const history = await readDays(trx, userId, { from: addDays(dates[0]!, -HISTORY_DAYS), to: today });
  const lastRpes = await lastRpeBeforeEach(trx, userId, dates);

  const days = new Map(history.map((row) => [row.date, row]));
  for (const candidate of valid) days.set(candidate.date, mergeDay(days.get(candidate.date) ?? emptyDay(userId, candidate.date, now), candidate));
  const physiology = physiologyOf(days.values());
  const written = await upsertDays(
    trx,
    dates.map((date) => judgeDay(days.get(date)!, physiology, lastRpes.get(date) ?? null)),
  );

  const followed = followBaselines(
    { restingHr: user.resting_hr, hrvRmssd: user.hrv_rmssd, maxHr: user.max_hr, lactateThresholdHr: user.lactate_threshold_hr },
    baselines(physiology, today),
  );
  if (followed.restingHr !== undefined || followed.hrvRmssd !== undefined) await updateProfileBaselines(trx, userId, followed);
  // A resting HR baseline that moved puts the TRIMP history on the new scale.
  const trimps = followed.restingHr !== undefined ? await recomputeTrimpHistory(trx, userId, { ...user, resting_hr: followed.restingHr }) : [];
  const events = dates.map((date) => ({ detailType: DetailType.DailyMetricLogged, detail: { userId, date } }));
  return { today, written, future, enqueued: [...trimps, ...(await enqueueEvents(trx, events))] };
}

/** GET /api/v1/daily-metrics: the stored days in the range, oldest first. */
export async function listDailyMetrics(db: Conn, userId: string, range: { from: string; to: string }): Promise<DailyMetricsDay[]> {
  return (await readDays(db, userId, range)).map(toDay);
}

/** The stored day as the API shows it. */
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
