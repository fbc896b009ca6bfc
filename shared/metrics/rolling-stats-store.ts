// The two statements of a rolling-stats recompute: one read of everything it needs, one guarded write of
// everything it decided. No transaction is held while JavaScript computes: the write states the version of
// the series it read (load_series.version) and writes nothing if another recompute got there first.
// The SQL itself lives in PL/pgSQL functions (migrations/0002_metrics.ts) so that its plans are kept for the
// session: for a one-day update, parsing and planning cost more than running.
import { sql } from 'kysely';
import type { DailyLoad, LoadDay } from '#shared/domain/load';
import type { Conn } from '#shared/db/connection';
import type { RiskAlertKind, RiskAlertMetrics } from '#shared/db/schema';
import { DetailType, type EventDetail } from '#shared/events/catalogue';
import type { EnqueuedEvent } from '#shared/events/outbox';

export interface SeriesInputs {
  /** The day the change is on, as asked. */
  changedFrom: string;
  timeZone: string;
  weekStartDay: number;
  /** notification_preferences.risk_alert === false */
  riskAlertNotificationsOff: boolean;
  /** The local date of the first non-duplicate activity: where the series must start. */
  firstActivityDate: string | null;
  /** What load_series holds; null when no recompute ever ran for the user. */
  stored: { seriesStart: string | null; seriesEnd: string | null; version: number } | null;
  /** rolling_stats of the day before the earlier of changedFrom and the day after the stored end. */
  previous: { date: string; acute: number; chronic: number } | null;
  /** First day whose loads were read; null: all of them (nothing stored, or a change before the series). */
  loadsFrom: string | null;
  /** Summed loads of the days with activities from loadsFrom on. */
  loads: DailyLoad[];
}

interface InputRow {
  row_kind: 'plan' | 'load';
  date: string | null;
  load: number | null;
  time_zone: string | null;
  week_start_day: number | null;
  risk_alert_notifications: string | null;
  series_start: string | null;
  series_end: string | null;
  version: number | null;
  acute: number | null;
  chronic: number | null;
  first_date: string | null;
  loads_from: string | null;
}

/** Everything a recompute reads, in one statement (one snapshot); null when the user does not exist. */
export async function readSeriesInputs(db: Conn, userId: string, changedFrom: string): Promise<SeriesInputs | null> {
  const { rows } = await sql<InputRow>`select * from rolling_stats_inputs(${userId}::uuid, ${changedFrom}::date)`.execute(db);
  const plan = rows.find((row) => row.row_kind === 'plan');
  if (!plan) return null;
  return {
    changedFrom,
    timeZone: plan.time_zone!,
    weekStartDay: plan.week_start_day!,
    riskAlertNotificationsOff: plan.risk_alert_notifications === 'false',
    firstActivityDate: plan.first_date,
    stored: plan.version === null ? null : { seriesStart: plan.series_start, seriesEnd: plan.series_end, version: plan.version },
    previous: plan.date === null ? null : { date: plan.date, acute: plan.acute!, chronic: plan.chronic! },
    loadsFrom: plan.loads_from,
    loads: rows.filter((row) => row.row_kind === 'load').map((row) => ({ date: row.date!, load: row.load! })),
  };
}

export interface SeriesWrite {
  userId: string;
  /** load_series.version as read; null when there was no row. */
  expectedVersion: number | null;
  /** The whole series after this write: rows outside it are deleted. Null: the user has no activity left. */
  seriesStart: string | null;
  seriesEnd: string | null;
  /** Delete stored rows outside [seriesStart, seriesEnd] (needed when either moved inwards). */
  trimOutside: boolean;
  /** The recomputed days (a suffix of the series); earlier days are left as they are. */
  days: readonly LoadDay[];
  /** Every alert the recomputed days raise, with the notification text should it be new. */
  alerts: readonly AlertWrite[];
  /** New alerts dated from this day on are announced (RiskAlertRaised, notification); older ones are history. */
  announceFrom: string;
  /** Whether announced alerts also get a notification (the athlete's preference). */
  notify: boolean;
}

export interface AlertWrite {
  kind: RiskAlertKind;
  date: string;
  metrics: RiskAlertMetrics;
  title: string;
  body: string;
}

export type WriteOutcome = { written: false } | { written: true; version: number; enqueued: EnqueuedEvent[] };

interface WriteRow {
  version: number;
  outbox_id: string | null;
  detail: EventDetail<typeof DetailType.RiskAlertRaised> | null;
}

/**
 * One statement: bump the series version if it is still the one read (else write nothing), upsert every
 * recomputed day (rows whose numbers did not change are not touched), delete rows outside the series when it
 * shrank, insert new alerts (an existing alert of the same kind and day stays as it was raised) and, for the
 * new recent ones, RiskAlertRaised into the outbox and a notification. Returns the outbox rows to publish.
 */
export async function writeSeries(db: Conn, write: SeriesWrite): Promise<WriteOutcome> {
  const { days, alerts } = write;
  const column = <T>(pick: (day: LoadDay) => T) => days.map(pick);
  const { rows } = await sql<WriteRow>`
    select * from rolling_stats_write(
      ${write.userId}::uuid, ${write.expectedVersion}::bigint, ${write.seriesStart}::date, ${write.seriesEnd}::date,
      ${write.trimOutside}::boolean,
      ${column((d) => d.date)}::date[], ${column((d) => d.load)}::float8[], ${column((d) => d.acute)}::float8[],
      ${column((d) => d.chronic)}::float8[], ${column((d) => d.acwr)}::float8[], ${column((d) => d.tsb)}::float8[],
      ${column((d) => d.weekLoad)}::float8[], ${column((d) => d.monotony)}::float8[], ${column((d) => d.strain)}::float8[],
      ${alerts.map((a) => a.kind)}::text[], ${alerts.map((a) => a.date)}::date[],
      ${alerts.map((a) => JSON.stringify(a.metrics))}::jsonb[], ${alerts.map((a) => a.title)}::text[],
      ${alerts.map((a) => a.body)}::text[], ${write.announceFrom}::date, ${write.notify}::boolean
    )`.execute(db);

  const first = rows[0];
  if (!first) return { written: false };
  const enqueued = rows
    .filter((row) => row.outbox_id !== null)
    .map((row) => ({ id: row.outbox_id!, event: { detailType: DetailType.RiskAlertRaised, detail: row.detail! } }));
  return { written: true, version: first.version, enqueued };
}
