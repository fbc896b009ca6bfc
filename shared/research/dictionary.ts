// The research dataset's data dictionary: one list of files and columns, from which the CSV headers, the
// manifest and the dataset's README.md are all written.
import { K_ANONYMITY, MAX_SUPPRESSED_FRACTION } from '#shared/domain/research';

export const SCHEMA_VERSION = 1;

interface Column {
  name: string;
  meaning: string;
}
const col = (name: string, meaning: string): Column => ({ name, meaning });
const athlete = col('athlete', 'pseudonym: a keyed hash under a key made for this export and then discarded; not joinable to other exports');
const day = col('day', "days since the athlete's first day in the data (0 = that day); exact dates are withheld");
const weekday = col('weekday', 'ISO weekday of the day, 1 = Monday');

export const FILES = {
  athletes: {
    about: 'one row per athlete: the quasi-identifiers, generalised for k-anonymity, and the responder class',
    columns: [
      athlete,
      col('sex', 'female, male or unspecified'),
      col('age_band', 'age on the export day in a band (e.g. 30-39); 90+ pooled; unknown without a birth date; * when withheld'),
      col('weight_band', 'body weight band, kg; unknown when not given; * when withheld for k-anonymity'),
      col('height_band', 'height band, cm; unknown when not given; * when withheld for k-anonymity'),
      col('experience', 'running experience as reported at onboarding (beginner, intermediate, advanced) or unknown; * when withheld'),
      col('responder_class', 'high, moderate or low (weekly rule-based classification; empty when there was not enough data)'),
    ],
  },
  days: {
    about: 'one row per athlete-day with training load or a morning check-in',
    columns: [
      athlete,
      day,
      weekday,
      col('load', "the day's internal load: session RPE x minutes, summed (AU)"),
      col('acute', '7-day EWMA of load (AU)'),
      col('chronic', '28-day EWMA of load (AU)'),
      col('acwr', 'acute / chronic; empty when chronic is 0'),
      col('monotony', 'mean / SD of the 7 days ending on the day; empty in the first 6 days'),
      col('resting_hr', 'morning resting heart rate, bpm'),
      col('hrv_rmssd', 'morning HRV, rMSSD, ms'),
      col('hrv_sdnn_ms', 'HRV as SDNN, ms (Apple Health)'),
      col('sleep_duration_minutes', 'sleep, minutes'),
      col('sleep_quality', 'self-reported sleep quality, 1-5'),
      col('soreness', 'self-reported muscle soreness, 1-10'),
      col('stress', 'self-reported stress, 1-10'),
      col('mood', 'self-reported mood, 1-10'),
      col('morning_readiness', 'self-reported readiness, 1-10'),
      col('readiness_light', "the day's readiness judgement: green, yellow or red"),
    ],
  },
  activities: {
    about: 'one row per recorded activity (cross-source duplicates left out)',
    columns: [
      athlete,
      day,
      weekday,
      col('type', 'run, long_run, interval, tempo, recovery, race, trail_run, treadmill, strength, cross_training, walk, ride or other'),
      col('duration_minutes', 'elapsed minutes'),
      col('distance_meters', 'metres'),
      col('avg_hr', 'average heart rate, bpm'),
      col('max_hr', 'maximum heart rate, bpm'),
      col('rpe', 'session RPE, CR-10'),
      col('trimp', "Banister TRIMP from the athlete's heart-rate baselines"),
    ],
  },
  adherence: {
    about: "plan adherence per athlete-week (weeks counted from the athlete's first day)",
    columns: [
      athlete,
      col('week', "weeks since the athlete's first day (0 = the first seven days)"),
      col('scheduled', 'planned workouts dated in the week, up to the export day'),
      col('completed', 'of them, done'),
      col('missed', 'of them, not done by the end of their day'),
      col('skipped', 'of them, skipped by the athlete'),
    ],
  },
} as const satisfies Record<string, { about: string; columns: readonly Column[] }>;

export const DATASET_README = `# RunningCoach research dataset (schema version ${SCHEMA_VERSION})

Training load, readiness, activities and plan adherence of athletes who opted in (settings.researchConsent).
Withdrawing consent, or erasing the account, takes an athlete out of every export made afterwards.

## Guarantees
- No direct identifiers: no email, name, user id, vendor id, notes or any other free text, no GPS or samples,
  no time zone.
- No exact dates: every day is an offset from the athlete's first day in the data; the weekday is kept.
  The birth date is withheld; age, weight and height are in bands, ages of 90 and above pooled.
- Pseudonyms are a keyed hash whose key was made for this export and discarded: they can't be linked to user
  ids or to the pseudonyms of another export.
- k-anonymity with k = ${K_ANONYMITY} over (sex, age_band, weight_band, height_band, experience): one generalisation
  level for the whole export (the lowest at which at most ${MAX_SUPPRESSED_FRACTION * 100}% of athletes must be
  suppressed), then every athlete still in a group smaller than k is left out of every file. manifest.json
  gives the level and how many were suppressed.

## Files
${Object.entries(FILES)
  .map(
    ([name, spec]) =>
      `### ${name}.csv\n${spec.about}.\n\n| column | meaning |\n|---|---|\n${spec.columns.map((c) => `| ${c.name} | ${c.meaning} |`).join('\n')}\n`,
  )
  .join('\n')}
Empty cells are unknown values. manifest.json: schema version, export month, k, generalisation level, athletes
consenting / exported / suppressed, and rows per file.
`;
