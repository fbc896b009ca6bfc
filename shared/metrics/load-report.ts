// GET /api/v1/metrics/load: one entry per calendar day from the first activity to the athlete's local today,
// within the asked range, and the alerts raised in it. Days after the last recompute (no activity since, so no
// event) continue the stored series with load 0: the EWMAs keep decaying whether or not anything ran.
import type { z } from 'zod';
import type { LoadDay as LoadDayContract, LoadReport, RiskAlert } from '#shared/contracts/metrics';
import { addDays, localDateOf } from '#shared/domain/dates';
import { continueLoadSeries } from '#shared/domain/load';
import type { Conn } from '#shared/db/connection';
import { NotFound } from '#shared/errors';

type ReportDay = z.infer<typeof LoadDayContract>;

export interface StatsRow {
  date: string;
  load: number;
  acute: number;
  chronic: number;
  acwr: number | null;
  tsb: number;
  monotony: number | null;
  strain: number | null;
}

export async function loadReport(db: Conn, userId: string, range: { from: string; to: string }, now: Date): Promise<LoadReport> {
  const user = await db
    .selectFrom('users')
    .leftJoin('load_series', 'load_series.user_id', 'users.id')
    .select(['users.time_zone', 'load_series.series_start', 'load_series.series_end'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('No such user');
  const today = localDateOf(now, user.time_zone);
  const { series_start: start, series_end: end } = user;
  const last = minDate(range.to, today);
  if (start === null || end === null || last < range.from || last < start) return { days: [], alerts: await alertsIn(db, userId, range) };

  // Extending past the stored end needs its state and the 6 loads before it (the monotony window).
  const extend = end < last;
  const readFrom = extend ? minDate(range.from, addDays(end, -5)) : range.from;
  const [rows, alerts] = await Promise.all([
    db
      .selectFrom('rolling_stats')
      .select(['date', 'load', 'acute', 'chronic', 'acwr', 'tsb', 'monotony', 'strain'])
      .where('user_id', '=', userId)
      .where('date', '>=', readFrom)
      .where('date', '<=', minDate(last, end))
      .orderBy('date')
      .execute(),
    alertsIn(db, userId, range),
  ]);
  const days: ReportDay[] = rows.filter((row) => row.date >= range.from).map(reportDay);
  if (extend) {
    const stored = rows.filter((row) => row.date <= end);
    const state = stored[stored.length - 1];
    if (state && state.date === end) {
      const firstNew = addDays(end, 1);
      const zeros = [];
      for (let date = firstNew; date <= last; date = addDays(date, 1)) zeros.push({ date, load: 0 });
      const continued = continueLoadSeries(
        { date: end, acute: state.acute, chronic: state.chronic },
        stored.slice(-6).map((row) => row.load),
        zeros,
        { seriesStart: start },
      );
      for (const day of continued) if (day.date >= range.from) days.push(reportDay(day));
    }
  }
  return { days, alerts };
}

/** A rolling_stats row as GET /metrics/load (and the sync feed's loadDay) shows it. */
export function reportDay(day: StatsRow): ReportDay {
  return {
    date: day.date,
    load: day.load,
    acute: day.acute,
    chronic: day.chronic,
    acwr: day.acwr,
    tsb: day.tsb,
    monotony: day.monotony,
    strain: day.strain,
  };
}

/** What a risk alert reads as; the sync feed reads the same columns. */
export const riskAlertColumns = ['id', 'kind', 'date', 'metrics'] as const;

function alertsIn(db: Conn, userId: string, range: { from: string; to: string }): Promise<z.infer<typeof RiskAlert>[]> {
  return (
    db
      .selectFrom('risk_alerts')
      .select(riskAlertColumns)
      .where('user_id', '=', userId)
      // A resolved alert (its condition no longer holds after a recompute) is no longer reported.
      .where('resolved_at', 'is', null)
      .where('date', '>=', range.from)
      .where('date', '<=', range.to)
      .orderBy('date')
      .orderBy('kind')
      .execute()
  );
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
