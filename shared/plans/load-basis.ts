// Where a plan's projection starts: the athlete's acute and chronic load at the end of the day before the first
// planned day. With 28 days of history or more, the stored rolling stats (science.md §2: a series seeded with 0
// is trustworthy once it is 28 days old). With less, a 0 seed would read a new athlete as unfit (chronic reaches
// 95 % of a steady load only after 42 days), so the EWMA is seeded instead with the steady state of the reported
// weekly volume (acute = chronic = weekly minutes x RPE 4 / 7, the "window mean" seed of science.md §3) on the
// day before the first activity, and continued over the real daily loads since.
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';
import type { LoadBasisSource } from '#shared/db/schema';
import { addDays, daysBetween } from '#shared/domain/dates';
import { continueLoadSeries } from '#shared/domain/load';
import type { ExperienceLevel, LoadState } from '#shared/domain/plan';

/** Days of history from which the stored rolling stats are trusted (the end of the EWMA warm-up). */
export const HISTORY_DAYS = 28;
/** Session RPE assumed for reported running: the plan's own mix of easy, long and quality running. */
export const REPORTED_RPE = 4;
/** The smallest week a plan builds from: 90 minutes (three 30-minute runs). */
export const MIN_SEED_WEEKLY_MINUTES = 90;
/** Pace used to turn reported kilometres into minutes when only distance is given (min/km). */
const PACE_BY_EXPERIENCE: Readonly<Record<ExperienceLevel, number>> = { beginner: 7, intermediate: 6, advanced: 5 };
/** What we assume when the athlete reports no volume at all. */
const DEFAULT_WEEKLY_MINUTES: Readonly<Record<ExperienceLevel, number>> = { beginner: 90, intermediate: 180, advanced: 300 };

export interface ReportedVolume {
  weeklyMinutes: number | null;
  weeklyDistanceKm: number | null;
  experience: ExperienceLevel;
}

/** The daily load (AU) a steady week of the reported volume would hold. */
export function seededDailyLoad(reported: ReportedVolume): number {
  const minutes =
    reported.weeklyMinutes ??
    (reported.weeklyDistanceKm !== null ? reported.weeklyDistanceKm * PACE_BY_EXPERIENCE[reported.experience] : DEFAULT_WEEKLY_MINUTES[reported.experience]);
  return (Math.max(MIN_SEED_WEEKLY_MINUTES, minutes) * REPORTED_RPE) / 7;
}

export interface LoadBasis {
  state: LoadState;
  source: LoadBasisSource;
}

/** The state at the end of `day` (the day before the first planned day), read in two statements at most. */
export async function loadBasis(db: Conn, userId: string, day: string, reported: ReportedVolume): Promise<LoadBasis> {
  const series = await db.selectFrom('load_series').select(['series_start']).where('user_id', '=', userId).executeTakeFirst();
  const start = series?.series_start ?? null;

  if (start !== null && daysBetween(start, day) + 1 >= HISTORY_DAYS) {
    // The latest stored day up to `day`, and the 6 loads before it; days after the last recompute are rest days.
    const rows = await db
      .selectFrom('rolling_stats')
      .select(['date', 'load', 'acute', 'chronic'])
      .where('user_id', '=', userId)
      .where('date', '<=', day)
      .orderBy('date', 'desc')
      .limit(7)
      .execute();
    const last = rows[0];
    if (last) {
      const gap = daysBetween(last.date, day);
      const recentLoads = [...rows].reverse().map((r) => r.load);
      for (let i = 0; i < Math.min(gap, 6); i++) recentLoads.push(0);
      return {
        source: 'history',
        state: {
          date: day,
          acute: last.acute * (1 - 2 / 8) ** gap,
          chronic: last.chronic * (1 - 2 / 29) ** gap,
          recentLoads: recentLoads.slice(-6),
        },
      };
    }
  }

  const seed = seededDailyLoad(reported);
  if (start === null || start > day) {
    return { source: 'reported_volume', state: { date: day, acute: seed, chronic: seed, recentLoads: [seed, seed, seed, seed, seed, seed] } };
  }
  const { rows } = await sql<{ date: string; load: number }>`
    select local_date::text as date, coalesce(sum(internal_load), 0)::float8 as load
    from activities
    where user_id = ${userId} and duplicate_of is null and local_date between ${start} and ${day}
    group by local_date`.execute(db);
  const byDate = new Map(rows.map((r) => [r.date, Number(r.load)]));
  const loads = [];
  for (let d = start; d <= day; d = addDays(d, 1)) loads.push({ date: d, load: byDate.get(d) ?? 0 });
  const projected = continueLoadSeries({ date: addDays(start, -1), acute: seed, chronic: seed }, [seed, seed, seed, seed, seed, seed], loads, {
    seriesStart: addDays(start, -HISTORY_DAYS),
  });
  const end = projected[projected.length - 1]!;
  return {
    source: 'reported_volume',
    state: { date: day, acute: end.acute, chronic: end.chronic, recentLoads: [seed, seed, seed, seed, seed, seed, ...loads.map((l) => l.load)].slice(-6) },
  };
}
