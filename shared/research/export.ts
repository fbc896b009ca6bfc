// The anonymized research dataset: consenting athletes only (settings.researchConsent, opt-in), de-identified
// by the rules in shared/domain/research.ts, written as CSV files with a data dictionary and a manifest.
// What never leaves: email, names, ids, notes and every free-text field, vendor ids, GPS and samples, the
// time zone, exact dates (days are offsets from each athlete's first day; the weekday is kept) and the birth
// date (age, weight and height go in bands). Pages of athletes are read and written one after another, so
// memory stays flat however many athletes consent.
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ageOn } from '#shared/account/profile';
import type { Conn } from '#shared/db/connection';
import { daysBetween, isoWeekday } from '#shared/domain/dates';
import { type AthleteTraits, K_ANONYMITY, kAnonymise, type QuasiIdentifiers } from '#shared/domain/research';
import { DATASET_README, FILES, SCHEMA_VERSION } from './dictionary';
import type { DatasetSink } from './sink';

export interface ResearchExportSummary {
  location: string;
  schemaVersion: number;
  k: number;
  generalisationLevel: number;
  athletes: { consenting: number; exported: number; suppressed: number; suppressedFraction: number };
  rows: Record<string, number>;
}

interface ConsentingAthlete {
  id: string;
  traits: AthleteTraits;
  responderClass: string | null;
}

const PAGE = 250;

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
const csvLine = (values: readonly unknown[]) => `${values.map(csvValue).join(',')}\n`;

export async function exportResearchDataset(db: Conn, sink: DatasetSink, now: Date): Promise<ResearchExportSummary> {
  const exportDay = now.toISOString().slice(0, 10);
  const consenting = await readConsentingAthletes(db, exportDay);
  const anonymised = kAnonymise(consenting, (a) => a.traits);
  // One key per export, never stored: pseudonyms can't be recomputed, linked to ids, or joined across exports.
  const key = randomBytes(32);
  const aliases = new Map<string, string>();
  const alias = (userId: string) => {
    let a = aliases.get(userId);
    if (a === undefined) aliases.set(userId, (a = createHmac('sha256', key).update(userId).digest('hex').slice(0, 16)));
    return a;
  };

  const rows: Record<string, number> = {};
  const files = Object.fromEntries(
    Object.entries(FILES).map(([name, spec]) => {
      const file = sink.open(`${name}.csv`);
      rows[name] = 0;
      return [name, { file, columns: spec.columns.map((c) => c.name) }];
    }),
  ) as Record<keyof typeof FILES, { file: ReturnType<DatasetSink['open']>; columns: string[] }>;
  for (const { file, columns } of Object.values(files)) await file.write(csvLine(columns));

  const kept = [...anonymised.kept].sort((a, b) => (a.athlete.id < b.athlete.id ? -1 : 1));
  // Pseudonyms are random-looking: sorting by them hides the order of user ids (and so of sign-up).
  const athleteLines = kept
    .map(({ athlete, quasi }) => [alias(athlete.id), quasi, athlete.responderClass] as [string, QuasiIdentifiers, string | null])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [pseudonym, q, responderClass] of athleteLines) {
    await files.athletes.file.write(csvLine([pseudonym, q.sex, q.ageBand, q.weightBand, q.heightBand, q.experience, responderClass]));
    rows.athletes! += 1;
  }

  for (let i = 0; i < kept.length; i += PAGE) {
    const ids = kept.slice(i, i + PAGE).map((k) => k.athlete.id);
    const page = await readPage(db, ids, exportDay);
    const out: Record<'days' | 'activities' | 'adherence', string[]> = { days: [], activities: [], adherence: [] };
    for (const d of page.days) {
      const first = page.firstDay.get(d.user_id)!;
      out.days.push(
        csvLine([
          alias(d.user_id),
          daysBetween(first, d.date),
          isoWeekday(d.date),
          d.load,
          d.acute,
          d.chronic,
          d.acwr,
          d.monotony,
          d.resting_hr,
          d.hrv_rmssd,
          d.hrv_sdnn_ms,
          d.sleep_duration_minutes,
          d.sleep_quality,
          d.soreness,
          d.stress,
          d.mood,
          d.morning_readiness,
          d.readiness_light,
        ]),
      );
    }
    for (const a of page.activities) {
      const first = page.firstDay.get(a.user_id)!;
      out.activities.push(
        csvLine([
          alias(a.user_id),
          daysBetween(first, a.local_date),
          isoWeekday(a.local_date),
          a.type,
          a.duration_minutes,
          a.distance_meters,
          a.avg_hr,
          a.max_hr,
          a.rpe,
          a.trimp,
        ]),
      );
    }
    for (const w of page.adherence) out.adherence.push(csvLine([alias(w.user_id), w.week, w.scheduled, w.completed, w.missed, w.skipped]));
    // One write per file and page: the page is on its way to disk before the next one is read.
    for (const name of ['days', 'activities', 'adherence'] as const) {
      await files[name].file.write(out[name].join(''));
      rows[name]! += out[name].length;
    }
  }
  key.fill(0);
  for (const { file } of Object.values(files)) await file.close();

  const suppressed = anonymised.suppressed.length;
  const manifest = {
    schemaVersion: SCHEMA_VERSION,
    // The month only: the day an export ran says nothing a researcher needs.
    exportedMonth: exportDay.slice(0, 7),
    k: K_ANONYMITY,
    quasiIdentifiers: ['sex', 'age_band', 'weight_band', 'height_band', 'experience'],
    generalisationLevel: anonymised.level,
    athletes: {
      consenting: consenting.length,
      exported: kept.length,
      suppressed,
      suppressedFraction: consenting.length === 0 ? 0 : Math.round((suppressed / consenting.length) * 1e4) / 1e4,
    },
    rows,
    files: Object.fromEntries(Object.entries(FILES).map(([name, spec]) => [`${name}.csv`, spec.columns.map((c) => c.name)])),
  };
  const manifestFile = sink.open('manifest.json');
  await manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
  await manifestFile.close();
  const readme = sink.open('README.md');
  await readme.write(DATASET_README);
  await readme.close();
  const location = await sink.finish();
  return { location, schemaVersion: SCHEMA_VERSION, k: K_ANONYMITY, generalisationLevel: anonymised.level, athletes: manifest.athletes, rows };
}

async function readConsentingAthletes(db: Conn, exportDay: string): Promise<ConsentingAthlete[]> {
  // Experience is what the athlete reported at their latest onboarding (training_plans.experience).
  const users = await db
    .selectFrom('users as u')
    .leftJoinLateral(
      (eb) =>
        eb.selectFrom('training_plans as p').select('p.experience').whereRef('p.user_id', '=', 'u.id').orderBy('p.created_at', 'desc').limit(1).as('plan'),
      (join) => join.onTrue(),
    )
    .select(['u.id', 'u.sex', 'u.dob', 'u.weight_kg', 'u.height_cm', 'u.responder_classification', 'plan.experience'])
    .where('u.research_consent', '=', true)
    .execute();
  return users.map((u) => ({
    id: u.id,
    traits: { sex: u.sex, age: u.dob ? ageOn(u.dob, exportDay) : null, weightKg: u.weight_kg, heightCm: u.height_cm, experience: u.experience ?? null },
    responderClass: u.responder_classification,
  }));
}

interface DayRow {
  user_id: string;
  date: string;
  load: number | null;
  acute: number | null;
  chronic: number | null;
  acwr: number | null;
  monotony: number | null;
  resting_hr: number | null;
  hrv_rmssd: number | null;
  hrv_sdnn_ms: number | null;
  sleep_duration_minutes: number | null;
  sleep_quality: number | null;
  soreness: number | null;
  stress: number | null;
  mood: number | null;
  morning_readiness: number | null;
  readiness_light: string | null;
}

/** Four statements for a page of athletes: their first days, their days, their activities, their adherence. */
async function readPage(db: Conn, ids: readonly string[], exportDay: string) {
  const [firsts, days, activities, adherence] = await Promise.all([
    sql<{ user_id: string; first_day: string }>`
      select user_id, to_char(min(d), 'YYYY-MM-DD') as first_day from (
        select user_id, min(local_date) as d from activities where user_id = any(${ids}::uuid[]) and duplicate_of is null group by user_id
        union all select user_id, min(date) from daily_metrics where user_id = any(${ids}::uuid[]) group by user_id
        union all select user_id, min(date) from rolling_stats where user_id = any(${ids}::uuid[]) group by user_id
        union all select user_id, min(date) from scheduled_workouts where user_id = any(${ids}::uuid[]) group by user_id
      ) f group by user_id`.execute(db),
    sql<DayRow>`
      select coalesce(r.user_id, m.user_id) as user_id, to_char(coalesce(r.date, m.date), 'YYYY-MM-DD') as date,
        r.load, r.acute, r.chronic, r.acwr, r.monotony,
        m.resting_hr, m.hrv_rmssd, m.hrv_sdnn_ms, m.sleep_duration_minutes, m.sleep_quality, m.soreness, m.stress, m.mood,
        m.morning_readiness, m.readiness_light
      from (select * from rolling_stats where user_id = any(${ids}::uuid[]) and date <= ${exportDay}::date) r
      full join (select * from daily_metrics where user_id = any(${ids}::uuid[]) and date <= ${exportDay}::date) m
        on m.user_id = r.user_id and m.date = r.date
      order by 1, 2`.execute(db),
    db
      .selectFrom('activities')
      .select(['user_id', 'local_date', 'type', 'duration_minutes', 'distance_meters', 'avg_hr', 'max_hr', 'rpe', 'trimp'])
      .where('user_id', 'in', [...ids])
      .where('duplicate_of', 'is', null)
      .where('local_date', '<=', exportDay)
      .orderBy('user_id')
      .orderBy('local_date')
      .execute(),
    db
      .selectFrom('scheduled_workouts')
      .select(['user_id', 'date', 'state'])
      .where('user_id', 'in', [...ids])
      .where('date', '<=', exportDay)
      .orderBy('user_id')
      .orderBy('date')
      .execute(),
  ]);
  const firstDay = new Map(firsts.rows.map((r) => [r.user_id, r.first_day]));
  // Plan adherence per athlete-week, weeks counted from the athlete's first day like every other offset.
  const weeks = new Map<string, { user_id: string; week: number; scheduled: number; completed: number; missed: number; skipped: number }>();
  for (const w of adherence) {
    const week = Math.floor(daysBetween(firstDay.get(w.user_id)!, w.date) / 7);
    const key = `${w.user_id}|${week}`;
    const row = weeks.get(key) ?? { user_id: w.user_id, week, scheduled: 0, completed: 0, missed: 0, skipped: 0 };
    row.scheduled += 1;
    if (w.state === 'completed' || w.state === 'missed' || w.state === 'skipped') row[w.state] += 1;
    weeks.set(key, row);
  }
  return { firstDay, days: days.rows, activities, adherence: [...weeks.values()] };
}
