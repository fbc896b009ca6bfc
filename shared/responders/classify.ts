// The weekly responder job: every athlete with a training series is judged by the pure rule
// (shared/domain/responder.ts). Set-based: a page of athletes costs four statements (their runs, their daily
// metrics, their chronic load at the window's ends, one UPDATE of all verdicts), whatever the page size.
import { sql } from 'kysely';
import type { Conn } from '#shared/db/connection';
import { addDays, localDateOf } from '#shared/domain/dates';
import { classifyResponder, type ResponderInput, type ResponderVerdict, WINDOW_WEEKS } from '#shared/domain/responder';

/**
 * Runs on roads and treadmills compare at equal effort; a trail run's climbing lowers its speed per heartbeat
 * for reasons that are not fitness, and intervals, tempo runs and races are not easy efforts.
 */
export const RESPONDER_RUN_TYPES = ['run', 'long_run', 'recovery', 'treadmill'] as const;
/** The HRV trend needs 60 days; the window is 16 weeks: read the longer of the two. */
const LOOKBACK_DAYS = Math.max(WINDOW_WEEKS * 7, 60);

export interface ResponderRunSummary {
  judged: number;
  classified: number;
  pages: number;
  byClass: Record<string, number>;
}

interface Athlete {
  id: string;
  today: string;
  maxHr: number | null;
}

/** Judges every athlete with a load series, a page at a time (keyset on the user id). */
export async function classifyResponders(db: Conn, now: Date, options: { pageSize?: number; userIds?: readonly string[] } = {}): Promise<ResponderRunSummary> {
  const pageSize = options.pageSize ?? 500;
  const summary: ResponderRunSummary = { judged: 0, classified: 0, pages: 0, byClass: {} };
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('users as u')
      .innerJoin('load_series as s', 's.user_id', 'u.id')
      .select(['u.id', 'u.time_zone', 'u.max_hr'])
      .orderBy('u.id')
      .limit(pageSize);
    if (after !== null) query = query.where('u.id', '>', after);
    if (options.userIds) query = query.where('u.id', 'in', options.userIds.length > 0 ? [...options.userIds] : ['00000000-0000-0000-0000-000000000000']);
    const rows = await query.execute();
    if (rows.length === 0) break;
    const athletes = rows.map((r) => ({ id: r.id, today: localDateOf(now, r.time_zone), maxHr: r.max_hr }));
    const verdicts = await judgePage(db, athletes);
    await storeVerdicts(db, verdicts, now);
    summary.pages += 1;
    summary.judged += verdicts.length;
    for (const { verdict } of verdicts) {
      if (verdict.classification === null) continue;
      summary.classified += 1;
      summary.byClass[verdict.classification] = (summary.byClass[verdict.classification] ?? 0) + 1;
    }
    after = rows[rows.length - 1]!.id;
    if (rows.length < pageSize) break;
  }
  return summary;
}

async function judgePage(db: Conn, athletes: readonly Athlete[]): Promise<{ userId: string; verdict: ResponderVerdict }[]> {
  const ids = athletes.map((a) => a.id);
  const earliest = athletes.reduce((min, a) => (a.today < min ? a.today : min), athletes[0]!.today);
  const since = addDays(earliest, -(LOOKBACK_DAYS - 1));
  const starts = athletes.map((a) => addDays(a.today, -(WINDOW_WEEKS * 7 - 1)));
  const ends = athletes.map((a) => a.today);

  const [runs, wellness, chronic] = await Promise.all([
    db
      .selectFrom('activities')
      .select(['user_id', 'local_date', 'duration_minutes', 'distance_meters', 'avg_hr', 'rpe'])
      .where('user_id', 'in', ids)
      .where('local_date', '>=', since)
      .where('duplicate_of', 'is', null)
      .where('type', 'in', [...RESPONDER_RUN_TYPES])
      .where('avg_hr', 'is not', null)
      .where('distance_meters', 'is not', null)
      .execute(),
    db
      .selectFrom('daily_metrics')
      .select(['user_id', 'date', 'hrv_rmssd', 'resting_hr'])
      .where('user_id', 'in', ids)
      .where('date', '>=', since)
      .where((eb) => eb.or([eb('hrv_rmssd', 'is not', null), eb('resting_hr', 'is not', null)]))
      .execute(),
    // The chronic load as of each end of each athlete's window: the last stored day on or before it.
    sql<{ user_id: string; chronic_start: number | null; chronic_end: number | null }>`
      select w.user_id,
        (select r.chronic from rolling_stats r where r.user_id = w.user_id and r.date <= w.s order by r.date desc limit 1) as chronic_start,
        (select r.chronic from rolling_stats r where r.user_id = w.user_id and r.date <= w.e order by r.date desc limit 1) as chronic_end
      from unnest(${ids}::uuid[], ${starts}::date[], ${ends}::date[]) as w(user_id, s, e)`.execute(db),
  ]);

  const byUser = <T extends { user_id: string }>(list: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const row of list) map.set(row.user_id, [...(map.get(row.user_id) ?? []), row]);
    return map;
  };
  const runsBy = byUser(runs);
  const wellnessBy = byUser(wellness);
  const chronicBy = new Map(chronic.rows.map((r) => [r.user_id, r]));

  return athletes.map((a) => {
    const input: ResponderInput = {
      today: a.today,
      maxHr: a.maxHr,
      runs: (runsBy.get(a.id) ?? []).map((r) => ({
        date: r.local_date,
        durationMinutes: r.duration_minutes,
        distanceMeters: r.distance_meters!,
        avgHr: r.avg_hr!,
        rpe: r.rpe,
      })),
      wellness: (wellnessBy.get(a.id) ?? []).map((d) => ({ date: d.date, hrvRmssd: d.hrv_rmssd, restingHr: d.resting_hr })),
      chronicAtStart: chronicBy.get(a.id)?.chronic_start ?? null,
      chronicAtEnd: chronicBy.get(a.id)?.chronic_end ?? null,
    };
    return { userId: a.id, verdict: classifyResponder(input) };
  });
}

async function storeVerdicts(db: Conn, verdicts: readonly { userId: string; verdict: ResponderVerdict }[], now: Date): Promise<void> {
  if (verdicts.length === 0) return;
  const ids = verdicts.map((v) => v.userId);
  const classes = verdicts.map((v) => v.verdict.classification);
  const evidence = verdicts.map((v) => JSON.stringify(v.verdict.evidence));
  await sql`
    update users u set
      responder_classification = v.classification,
      responder_evidence = v.evidence::jsonb,
      responder_updated_at = ${now},
      updated_at = ${now}
    from unnest(${ids}::uuid[], ${classes}::text[], ${evidence}::text[]) as v(id, classification, evidence)
    where u.id = v.id`.execute(db);
}
