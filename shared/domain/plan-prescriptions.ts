// How a workout reads to the runner: its heart-rate zone, an estimated distance, and a description in plain
// words. Zones: Friel's five from the lactate-threshold HR when known, else five from max HR (50/60/70/80/90 %,
// Edwards), else none (RPE only). Sources: ../shared/science.md §5.
import type { ExperienceLevel, HeartRateProfile, WorkoutType } from './plan';

/** A zone's heart-rate range in bpm; `high` null for the open top zone. */
export interface ZoneRange {
  low: number;
  high: number | null;
}

// Friel (LTHR): Z1 < 85 %, Z2 85-89, Z3 90-94, Z4 95-99, Z5 >= 100.
const FRIEL_BOUNDS = [0, 0.85, 0.9, 0.95, 1.0];
// From max HR (Edwards' zones): Z1 50-60 %, Z2 60-70, Z3 70-80, Z4 80-90, Z5 90-100.
const MAX_HR_BOUNDS = [0.5, 0.6, 0.7, 0.8, 0.9];

/** The bpm range of `zone` (1-5), or null when the athlete has no HR anchor. */
export function zoneRange(zone: number, heartRate: HeartRateProfile): ZoneRange | null {
  const i = zone - 1;
  if (heartRate.lactateThresholdHr !== null) {
    const lt = heartRate.lactateThresholdHr;
    return {
      low: Math.round(FRIEL_BOUNDS[i]! * lt),
      high: i === 4 ? null : Math.round(FRIEL_BOUNDS[i + 1]! * lt) - 1,
    };
  }
  if (heartRate.maxHr !== null) {
    const max = heartRate.maxHr;
    return { low: Math.round(MAX_HR_BOUNDS[i]! * max), high: i === 4 ? max : Math.round(MAX_HR_BOUNDS[i + 1]! * max) - 1 };
  }
  return null;
}

/** The zone each kind of session is run in (the race: 5 up to 10 km, else 4). */
export function zoneFor(type: WorkoutType, raceMeters: number): number | null {
  switch (type) {
    case 'recovery':
      return 1;
    case 'easy':
    case 'long_run':
      return 2;
    case 'tempo':
      return 4;
    case 'interval':
      return 5;
    case 'race':
      return raceMeters <= 10_000 ? 5 : 4;
    case 'strength':
    case 'cross_training':
      return null;
  }
}

// Easy pace, min/km, when no goal time tells us more: a conservative guess per experience level.
const EASY_PACE: Readonly<Record<ExperienceLevel, number>> = { beginner: 7.5, intermediate: 6.25, advanced: 5.25 };
// Race pace relative to easy pace, and each session's pace relative to race pace (coaching practice).
const RACE_PACE_OF_EASY = 0.8;
const PACE_OF_RACE: Readonly<Partial<Record<WorkoutType, number>>> = {
  recovery: 1.4,
  easy: 1.28,
  long_run: 1.25,
  tempo: 1.08,
  interval: 1.0,
  race: 1.0,
};

/** Race pace in min/km: from the goal time when given, else from the experience level (slower for longer races). */
export function racePace(raceMeters: number, goalTimeMinutes: number | null, experience: ExperienceLevel): number {
  if (goalTimeMinutes !== null) return goalTimeMinutes / (raceMeters / 1000);
  // Riegel's exponent 1.06: pace slows by (d2/d1)^0.06 from the 5 km pace.
  const fiveKPace = EASY_PACE[experience] * RACE_PACE_OF_EASY;
  return fiveKPace * (raceMeters / 5000) ** 0.06;
}

/** Expected race duration, whole minutes. */
export function raceMinutes(raceMeters: number, goalTimeMinutes: number | null, experience: ExperienceLevel): number {
  return Math.max(1, Math.round(racePace(raceMeters, goalTimeMinutes, experience) * (raceMeters / 1000)));
}

/** Distance of a session at its usual pace, rounded to 100 m; null for strength. */
export function targetDistance(type: WorkoutType, minutes: number, pace: number): number | null {
  const factor = PACE_OF_RACE[type];
  if (factor === undefined) return null;
  return Math.max(100, Math.round((minutes / (pace * factor)) * 10) * 100);
}

/**
 * Minutes above easy intensity in a session (the "20" of 80/20, Seiler 2010): a tempo's work block, an interval
 * session's repeats, the whole race. Warm-ups, cool-downs, jogs and the long run are easy time.
 */
export function hardMinutes(type: WorkoutType, minutes: number): number {
  switch (type) {
    case 'tempo':
      return Math.min(minutes, Math.max(10, minutes - 20));
    case 'interval':
      return Math.min(minutes, 3 * intervalRepeats(minutes));
    case 'race':
      return minutes;
    default:
      return 0;
  }
}

/** 3-minute repeats with 2-minute jogs after a 10-minute warm-up and before a cool-down. */
function intervalRepeats(minutes: number): number {
  return Math.max(3, Math.floor((minutes - 20) / 5));
}

function hrUnder(zone: number, heartRate: HeartRateProfile): string {
  const range = zoneRange(zone, heartRate);
  return range?.high != null ? `, HR under ${range.high + 1}` : '';
}

function hrBetween(zone: number, heartRate: HeartRateProfile): string {
  const range = zoneRange(zone, heartRate);
  if (!range) return '';
  return range.high === null ? ` (HR ${range.low} or above)` : ` (HR ${range.low}-${range.high})`;
}

function km(meters: number | null): string {
  return meters === null ? '' : ` (about ${(meters / 1000).toFixed(1).replace(/\.0$/, '')} km)`;
}

/** A sentence a runner understands, e.g. "50 min easy, conversational pace, HR under 145". */
export function describe(
  type: WorkoutType,
  minutes: number,
  meters: number | null,
  heartRate: HeartRateProfile,
  race: { meters: number; goalTimeMinutes: number | null },
): string {
  switch (type) {
    case 'recovery':
      return `${minutes} min recovery jog, very easy${hrUnder(1, heartRate)}${km(meters)}`;
    case 'easy':
      return `${minutes} min easy, conversational pace${hrUnder(2, heartRate)}${km(meters)}`;
    case 'long_run':
      return `${minutes} min long run, steady and easy${hrUnder(2, heartRate)}${km(meters)}`;
    case 'tempo': {
      const work = hardMinutes('tempo', minutes);
      return `${minutes} min with ${work} min at comfortably hard tempo pace${hrBetween(4, heartRate)}; warm up and cool down easy`;
    }
    case 'interval': {
      const reps = intervalRepeats(minutes);
      return `${minutes} min: 10 min easy warm-up, ${reps} x 3 min hard${hrBetween(5, heartRate)} with 2 min easy jogs, easy cool-down`;
    }
    case 'race': {
      const goal = race.goalTimeMinutes === null ? '' : `, goal ${formatDuration(race.goalTimeMinutes)}`;
      return `Race day: ${(race.meters / 1000).toFixed(1).replace(/\.0$/, '')} km${goal}. Start easy, finish strong`;
    }
    case 'strength':
      return `${minutes} min strength and mobility: squats, lunges, calf raises, core; no running`;
    case 'cross_training':
      return `${minutes} min easy cross-training (bike, swim or elliptical)`;
  }
}

function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  return h === 0 ? `${m} min` : `${h} h ${String(m).padStart(2, '0')}`;
}
