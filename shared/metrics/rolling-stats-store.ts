// The two statements of a rolling-stats recompute: one read of everything it needs, one guarded write of
// everything it decided. No transaction is held while JavaScript computes: the write states the version of
// the series it read (load_series.version) and writes nothing if another recompute got there first.
import { sql } from 'kysely';
import type { RiskAlert } from '../domain/alerts';
import type { DailyLoad, LoadDay } from '../domain/load';
import type { Conn } from '../db/connection';
import type { RiskAlertKind, RiskAlertMetrics } from '../db/schema';

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

/**
 * Everything a recompute reads, in one statement (one snapshot); null when the user does not exist. Flat on
 * purpose (no CTE): on small updates planning is most of a statement's cost, and PGlite plans slowly.
 */
export async function readSeriesInputs(db: Conn, userId: string, changedFrom: string): Promise<SeriesInputs | null> {
  // The loads needed: 6 days (the monotony window) before the first day to recompute, all when that is unknown.
  const loadsFrom = (s: string) => sql`
    case when ${sql.ref(`${s}.series_start`)} is null or ${changedFrom}::date < ${sql.ref(`${s}.series_start`)} then null
         else least(${changedFrom}::date, ${sql.ref(`${s}.series_end`)} + 1) - 6 end`;
  const { rows } = await sql<InputRow>`
    select
      'plan' as row_kind, rs.date, null::float8 as load,
      u.time_zone, u.week_start_day, u.notification_preferences ->> 'risk_alert' as risk_alert_notifications,
      s.series_start, s.series_end, s.version, rs.acute, rs.chronic,
      (select min(local_date) from activities where user_id = ${userId} and duplicate_of is null) as first_date,
      ${loadsFrom('s')} as loads_from
    from users u
    left join load_series s on s.user_id = u.id
    left join rolling_stats rs on rs.user_id = u.id and rs.date = least(${changedFrom}::date, s.series_end + 1) - 1
    where u.id = ${userId}
    union all
    select 'load', local_date, coalesce(sum(internal_load), 0), null, null, null, null, null, null, null, null, null, null
    from activities
    where user_id = ${userId} and duplicate_of is null
      and local_date >= coalesce((select ${loadsFrom('ls')} from load_series ls where ls.user_id = ${userId}), '-infinity'::date)
    group by local_date`.execute(db);

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
  alerts: readonly RiskAlert[];
  /** Alerts dated from this day on are announced (RiskAlertRaised); older ones are history. */
  announceFrom: string;
}

export interface AlertToAnnounce {
  id: string;
  kind: RiskAlertKind;
  date: string;
  metrics: RiskAlertMetrics;
}

export type WriteOutcome = { written: false } | { written: true; version: number; toAnnounce: AlertToAnnounce[] };

interface WriteRow {
  version: number | null;
  id: string | null;
  kind: RiskAlertKind | null;
  date: string | null;
  metrics: RiskAlertMetrics | null;
}

/**
 * One statement: bump the series version if it is still the one read (else write nothing), upsert every
 * recomputed day (rows whose numbers did not change are not touched), delete rows outside the series when it
 * shrank, insert new alerts (an existing alert of the same kind and day stays as it was raised) and return the
 * alerts to announce: the new ones and any earlier ones whose announcement failed.
 */
export async function writeSeries(db: Conn, write: SeriesWrite): Promise<WriteOutcome> {
  const { userId, days, alerts, announceFrom } = write;
  const column = <T>(pick: (day: LoadDay) => T) => days.map(pick);
  // Clauses a write does not need are left out rather than run empty: they would still be planned.
  const raised = alerts.length > 0;
  const { rows } = await sql<WriteRow>`
    with
      guard as (
        insert into load_series as s (user_id, series_start, series_end)
        values (${userId}, ${write.seriesStart}::date, ${write.seriesEnd}::date)
        on conflict (user_id) do update
          set series_start = excluded.series_start, series_end = excluded.series_end, version = s.version + 1
          where s.version = ${write.expectedVersion}::bigint
        returning s.version
      ),
      ${trim(write)}
      ${raised ? raise(userId, alerts) : sql``}
      written as (
        insert into rolling_stats as rs (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
        select ${userId}, d.*
        from unnest(
          ${column((d) => d.date)}::date[], ${column((d) => d.load)}::float8[], ${column((d) => d.acute)}::float8[],
          ${column((d) => d.chronic)}::float8[], ${column((d) => d.acwr)}::float8[], ${column((d) => d.tsb)}::float8[],
          ${column((d) => d.weekLoad)}::float8[], ${column((d) => d.monotony)}::float8[], ${column((d) => d.strain)}::float8[]
        ) as d (date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
        where exists (select from guard)
        on conflict (user_id, date) do update
          set load = excluded.load, acute = excluded.acute, chronic = excluded.chronic, acwr = excluded.acwr,
              tsb = excluded.tsb, week_load = excluded.week_load, monotony = excluded.monotony, strain = excluded.strain
          where (rs.load, rs.acute, rs.chronic, rs.acwr, rs.tsb, rs.week_load, rs.monotony, rs.strain)
            is distinct from
            (excluded.load, excluded.acute, excluded.chronic, excluded.acwr, excluded.tsb, excluded.week_load, excluded.monotony, excluded.strain)
      )
    ${
      raised
        ? sql`select g.version, r.id, r.kind, r.date, r.metrics from guard g left join raised r on r.date >= ${announceFrom}::date`
        : sql`select g.version, null::uuid as id, null::text as kind, null::date as date, null::jsonb as metrics from guard g`
    }
    union all
    -- Announcements that failed earlier (this statement's snapshot does not see the alerts it raises).
    select null, id, kind, date, metrics from risk_alerts
    where user_id = ${userId} and published_at is null and date >= ${announceFrom}::date`.execute(db);

  const guard = rows.find((row) => row.version !== null);
  if (!guard) return { written: false };
  const toAnnounce = rows
    .filter((row) => row.id !== null)
    .map((row) => ({ id: row.id!, kind: row.kind!, date: row.date!, metrics: row.metrics! }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
  return { written: true, version: guard.version!, toAnnounce };
}

function raise(userId: string, alerts: readonly RiskAlert[]) {
  return sql`
      raised as (
        insert into risk_alerts (user_id, kind, date, metrics)
        select ${userId}, a.kind, a.date, a.metrics
        from unnest(
          ${alerts.map((a) => a.kind)}::text[], ${alerts.map((a) => a.date)}::date[],
          ${alerts.map((a) => JSON.stringify(a.values))}::jsonb[]
        ) as a (kind, date, metrics)
        where exists (select from guard)
        on conflict (user_id, kind, date) do nothing
        returning id, kind, date, metrics
      ),`;
}

/**
 * Rows outside the series go when its start moved (first activity deleted) or its end (the time zone moved
 * west); only then, as the condition cannot use the primary key as a range and would scan every row.
 */
function trim(write: SeriesWrite) {
  if (!write.trimOutside) return sql``;
  if (write.seriesStart === null) {
    return sql`
      trimmed as (delete from rolling_stats where user_id = ${write.userId} and exists (select from guard)),`;
  }
  return sql`
      trimmed as (
        delete from rolling_stats
        where user_id = ${write.userId} and (date < ${write.seriesStart}::date or date > ${write.seriesEnd}::date)
          and exists (select from guard)
      ),`;
}

export interface AlertNotification {
  alertId: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** After RiskAlertRaised was published: mark the alerts announced and give the athlete a notification each. */
export async function markAnnounced(
  db: Conn,
  userId: string,
  alertIds: readonly string[],
  notifications: readonly AlertNotification[],
): Promise<void> {
  await sql`
    with
      announced as (
        update risk_alerts set published_at = now()
        where user_id = ${userId} and id = any(${alertIds}::uuid[]) and published_at is null
      )
    insert into notifications (user_id, kind, title, body, data, dedupe_key)
    select ${userId}, 'risk_alert', n.title, n.body, n.data, 'risk_alert:' || n.alert_id
    from unnest(
      ${notifications.map((n) => n.alertId)}::text[], ${notifications.map((n) => n.title)}::text[],
      ${notifications.map((n) => n.body)}::text[], ${notifications.map((n) => JSON.stringify(n.data))}::jsonb[]
    ) as n (alert_id, title, body, data)
    on conflict (user_id, dedupe_key) do nothing`.execute(db);
}
