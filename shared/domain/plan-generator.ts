// The plan generator: a pure function from the athlete's state, goal and availability (and the local today)
// to phases, weeks and workouts. It reads no clock and no database. Rules (README "Training plans"; sources in
// ../shared/science.md §5):
// - Weeks are counted back from race day (the race week ends with the race); the first week may be short.
//   Phases by the weeks available: base, build, peak, then the taper (1 week for 5k/10k, 2 for the half,
//   3 for the marathon).
// - Every 4th week before the taper is a recovery week at 70 % of the week before (3:1 loading); loading
//   weeks grow at most 10 % over the last loading week (base +10 %, build +8 %, peak +5 %), from the
//   athlete's current weekly load (7 x chronic) and up to a ceiling by race distance and experience; taper
//   weeks cut to 80/65/50 % (3 weeks), 75/55 % (2) or 60 % (1) of the last loading week.
// - Running days never exceed daysPerWeek, nothing on unavailable days, the long run on longRunDay, no two
//   hard days (interval, tempo, long run, race) back to back, strength 1-2 times a week in base and build on
//   available non-running days, quality sessions sized so hard running time stays about 20 %.
// - Safe by construction: each day's load (minutes x RPE, session-RPE AU) is run through the load engine's
//   EWMA from the athlete's current state, and a session that would lift the projected ACWR above 1.3 is
//   shortened (or dropped); the long run is then held to 30 % of the week's running minutes (40 % at 3-4
//   running days) and re-checked. Race day is the one day the rail does not apply: the race is the goal.
// - `reduceVolume` (after an ACWR alert) scales the target load of the weeks it reaches; later weeks grow from them.
import { addDays, daysBetween, isoWeekday, type IsoWeekday } from './dates';
import {
  HARD_WORKOUT_TYPES,
  WEEKDAY_NUMBER,
  type GeneratedPlan,
  type PlanInput,
  type PlanPhase,
  type PlanPhaseName,
  type PlanWeek,
  type PlanWeekKind,
  type PlannedWorkout,
  type WorkoutType,
} from './plan';
import { describe, hardMinutes, racePace, raceMinutes, targetDistance, zoneFor } from './plan-prescriptions';

// Williams et al. 2017 (the load engine's constants, shared/domain/load.ts).
const ACUTE_LAMBDA = 2 / (7 + 1);
const CHRONIC_LAMBDA = 2 / (28 + 1);

/** Gabbett 2016's "sweet spot" 0.8-1.3: the projected ACWR guard rail. */
export const ACWR_CEILING = 1.3;
export const ACWR_FLOOR = 0.8;
/** A hair under the ceiling, so rounding never lands a day on the wrong side of it. */
const ACWR_TARGET = 1.295;
/** Week-over-week rise of the planned load (Buist 2008, Nielsen 2014: a conservative convention). */
export const MAX_WEEKLY_RISE = 1.1;
/** A recovery week's load relative to the week before (Issurin 2010; 60-80 %). */
export const RECOVERY_RATIO = 0.7;
export const RECOVERY_CYCLE = 4;
/** Long run share of the week's running minutes: 30 % at 5+ running days in the week, 40 % at 3-4 (Daniels; Pfitzinger). */
export function longRunShareCap(runningDays: number): number {
  return runningDays >= 5 ? 0.3 : 0.4;
}

/** Weeks of taper before the race (Bosquet 2007; Mujika & Padilla 2003). */
export function taperWeeksFor(raceMeters: number): number {
  if (raceMeters <= 10_000) return 1;
  if (raceMeters <= 21_097.5) return 2;
  return 3;
}

const TAPER_FACTORS: Readonly<Record<number, readonly number[]>> = {
  1: [0.6],
  2: [0.75, 0.55],
  3: [0.8, 0.65, 0.5],
};

// Peak still grows a little: a week trimmed by the ACWR ceiling is the next one's reference, and a plan that
// never grows back from a trim ratchets down after every lighter week.
const GROWTH: Readonly<Record<PlanPhaseName, number>> = { base: 1.1, build: 1.08, peak: 1.05, taper: 1.0 };

// Peak weekly running minutes by race and experience: a ceiling, never a cut below what the athlete already does.
const PEAK_MINUTES: Readonly<Record<'5k' | '10k' | 'half' | 'marathon', Readonly<Record<PlanInput['experience'], number>>>> = {
  '5k': { beginner: 150, intermediate: 240, advanced: 360 },
  '10k': { beginner: 180, intermediate: 270, advanced: 400 },
  half: { beginner: 210, intermediate: 330, advanced: 480 },
  marathon: { beginner: 240, intermediate: 390, advanced: 600 },
};

function peakMinutes(meters: number, experience: PlanInput['experience']): number {
  const race = meters <= 7500 ? '5k' : meters <= 15_000 ? '10k' : meters <= 30_000 ? 'half' : 'marathon';
  return PEAK_MINUTES[race][experience];
}

/** Session RPE per type (Foster 2001; coaching practice, science.md §5). */
function rpeOf(type: WorkoutType, phase: PlanPhaseName): number {
  switch (type) {
    case 'recovery':
      return 2;
    case 'easy':
      return 3;
    case 'long_run':
      return phase === 'build' || phase === 'peak' ? 5 : 4;
    case 'tempo':
      return 6;
    case 'interval':
      return 8;
    case 'race':
      return 9;
    case 'strength':
      return STRENGTH_RPE;
    case 'cross_training':
      return 4;
  }
}

const MIN_MINUTES: Readonly<Record<WorkoutType, number>> = {
  recovery: 15,
  easy: 15,
  long_run: 20,
  tempo: 25,
  interval: 25,
  race: 1,
  strength: 15,
  cross_training: 20,
};
const LONG_RUN_MAX = 150;
const MARATHON_LONG_RUN_MAX = 180;
const MAX_MINUTES: Readonly<Partial<Record<WorkoutType, number>>> = { recovery: 45, easy: 90, tempo: 75, interval: 75 };
const STRENGTH_MINUTES = 30;
/** Strength joins the week once its load reaches this (about two hours of easy running, AU). */
const STRENGTH_MIN_WEEK_LOAD = 400;
/** Hard running time per week at most (Seiler 2010: about 80/20 easy/hard). */
const HARD_SHARE = 0.2;
/** The plan's mean session RPE (easy 3, long run 4-5, quality 6-8 at about 80/20): AU per running minute. */
export const PLAN_MEAN_RPE = 3.6;
const STRENGTH_RPE = 4;
/** Strength never takes more than this share of the week's load: the plan is for running. */
const STRENGTH_SHARE = 0.25;

/** Running minutes per week-template weight unit: easy 1, recovery 0.6, quality 1, the long run what its share allows. */
const WEIGHT: Readonly<Partial<Record<WorkoutType, number>>> = { easy: 1, recovery: 0.6, tempo: 1, interval: 1 };

// ---- structure: weeks, phases, week kinds -----------------------------------------------------------

export interface WeekFrame {
  index: number;
  startDate: string;
  endDate: string;
  phase: PlanPhaseName;
  kind: PlanWeekKind;
}

/** The plan's weeks from `planStart` to race day, counted back from race day, with their phase and kind. */
export function planStructure(planStart: string, raceDate: string, raceMeters: number): { weeks: WeekFrame[]; phases: PlanPhase[] } {
  const days = daysBetween(planStart, raceDate) + 1;
  if (days < 2) throw new RangeError(`the race (${raceDate}) must be after the plan's start (${planStart})`);
  const count = Math.ceil(days / 7);
  const taper = Math.min(taperWeeksFor(raceMeters), count - 1);
  const rest = count - taper;
  const peak = rest >= 4 ? Math.max(1, Math.round(rest * 0.2)) : 0;
  const build = rest >= 2 ? Math.round((rest - peak) * 0.45) : 0;
  const base = rest - peak - build;
  const phaseOf = (i: number): PlanPhaseName => (i < base ? 'base' : i < base + build ? 'build' : i < rest ? 'peak' : 'taper');

  const weeks: WeekFrame[] = [];
  for (let i = 0; i < count; i++) {
    const endDate = addDays(raceDate, -7 * (count - 1 - i));
    const startDate = i === 0 ? planStart : addDays(endDate, -6);
    const phase = phaseOf(i);
    const kind: PlanWeekKind = phase === 'taper' ? 'taper' : i % RECOVERY_CYCLE === RECOVERY_CYCLE - 1 ? 'recovery' : 'loading';
    weeks.push({ index: i, startDate, endDate, phase, kind });
  }
  const phases: PlanPhase[] = [];
  for (const week of weeks) {
    const last = phases[phases.length - 1];
    if (last && last.name === week.phase) last.endDate = week.endDate;
    else phases.push({ name: week.phase, startDate: week.startDate, endDate: week.endDate });
  }
  return { weeks, phases };
}

// ---- the week template: which weekday holds what ---------------------------------------------------

const cyclicGap = (a: number, b: number) => Math.min(Math.abs(a - b), 7 - Math.abs(a - b));
const nextDay = (d: number, by: number) => ((((d - 1 + by) % 7) + 7) % 7) + 1;

/** The running weekdays: the long run day, then the available days that spread the runs most evenly. */
export function runningWeekdays(input: PlanInput): IsoWeekday[] {
  const longDay = WEEKDAY_NUMBER[input.availability.longRunDay];
  const unavailable = new Set<number>(input.availability.unavailableDays.map((d) => WEEKDAY_NUMBER[d]));
  const candidates: number[] = [];
  for (let k = 1; k < 7; k++) if (!unavailable.has(nextDay(longDay, k))) candidates.push(nextDay(longDay, k));
  const chosen: number[] = [longDay];
  while (chosen.length < input.availability.daysPerWeek && candidates.length > 0) {
    let best = 0;
    let bestGap = -1;
    candidates.forEach((c, i) => {
      const gap = Math.min(...chosen.map((d) => cyclicGap(c, d)));
      if (gap > bestGap) {
        bestGap = gap;
        best = i;
      }
    });
    chosen.push(candidates.splice(best, 1)[0]!);
  }
  return chosen as IsoWeekday[];
}

type Template = Map<number, WorkoutType>;

/**
 * What each weekday holds in a week. With fewer than 3 runs (a week too small for more 20-minute runs) every
 * run is easy: a long run cannot be "long" beside one other run.
 */
function weekTemplate(input: PlanInput, running: readonly number[], week: WeekFrame, strength: boolean): Template {
  const longDay = WEEKDAY_NUMBER[input.availability.longRunDay];
  const n = running.length;
  const template: Template = new Map();
  for (const d of running) template.set(d, 'easy');
  if (n < 3) return template;
  template.set(longDay, 'long_run');

  const quality = qualityCount(input, n, week);
  const hard = new Set<number>([longDay]);
  const byDistance = running.filter((d) => d !== longDay).sort((a, b) => cyclicGap(b, longDay) - cyclicGap(a, longDay) || a - b);
  const types = qualityTypes(week, quality);
  for (const d of byDistance) {
    if (types.length === 0) break;
    if (hard.has(nextDay(d, 1)) || hard.has(nextDay(d, -1))) continue;
    template.set(d, types.shift()!);
    hard.add(d);
  }
  const afterLong = nextDay(longDay, 1);
  if (n >= 4 && template.get(afterLong) === 'easy') template.set(afterLong, 'recovery');

  if (strength && (week.phase === 'base' || week.phase === 'build')) {
    const unavailable = new Set<number>(input.availability.unavailableDays.map((d) => WEEKDAY_NUMBER[d]));
    const free = [1, 2, 3, 4, 5, 6, 7]
      .filter((d) => !unavailable.has(d) && !template.has(d))
      // Not on the eve of a hard session, then as far from the long run as possible.
      .sort((a, b) => Number(hard.has(nextDay(a, 1))) - Number(hard.has(nextDay(b, 1))) || cyclicGap(b, longDay) - cyclicGap(a, longDay) || a - b);
    const sessions = week.kind === 'recovery' ? 1 : n <= 4 ? 2 : 1;
    for (const d of free.slice(0, sessions)) template.set(d, 'strength');
  }
  return template;
}

function qualityCount(input: PlanInput, n: number, week: WeekFrame): number {
  if (week.kind === 'recovery') return 0;
  if (week.phase === 'base') return input.experience !== 'beginner' && n >= 4 ? 1 : 0;
  if (week.phase === 'taper') return 1;
  return n >= 5 && input.experience === 'advanced' ? 2 : 1;
}

function qualityTypes(week: WeekFrame, count: number): WorkoutType[] {
  if (count === 0) return [];
  if (week.phase === 'base') return ['tempo'];
  if (week.phase === 'taper') return ['interval'];
  if (count >= 2) return ['interval', 'tempo'];
  return [week.index % 2 === 0 ? 'interval' : 'tempo'];
}

// ---- loads: minutes per session, checked day by day with the load engine's EWMA ---------------------

interface Session {
  date: string;
  type: WorkoutType;
  minutes: number;
}

interface EngineState {
  acute: number;
  chronic: number;
}

function step(state: EngineState, load: number): EngineState {
  return {
    acute: load * ACUTE_LAMBDA + (1 - ACUTE_LAMBDA) * state.acute,
    chronic: load * CHRONIC_LAMBDA + (1 - CHRONIC_LAMBDA) * state.chronic,
  };
}

/** The largest load today that keeps acute/chronic at or under `ratio` (solving the EWMA step for the load). */
function maxLoadFor(state: EngineState, ratio: number): number {
  const limit = (ratio * (1 - CHRONIC_LAMBDA) * state.chronic - (1 - ACUTE_LAMBDA) * state.acute) / (ACUTE_LAMBDA - ratio * CHRONIC_LAMBDA);
  return Math.max(0, limit);
}

/** Whole minutes, rounded down: a load only ever shrinks, so no rounding breaks a limit. */
const roundDown = (minutes: number) => Math.floor(minutes + 1e-9);

export function generatePlan(input: PlanInput): GeneratedPlan {
  const { goal, availability, today } = input;
  if (daysBetween(today, goal.raceDate) < 1) throw new RangeError(`the race (${goal.raceDate}) must be after today (${today})`);
  if (daysBetween(input.load.date, today) !== 1) throw new RangeError(`the load state must be of the day before ${today}`);
  const { weeks: frames, phases } = planStructure(input.planStart, goal.raceDate, goal.distanceMeters);
  const running = runningWeekdays(input);
  const pace = racePace(goal.distanceMeters, goal.goalTimeMinutes, input.experience);
  const race = { meters: goal.distanceMeters, goalTimeMinutes: goal.goalTimeMinutes };
  const sessionCap = availability.maxSessionMinutes ?? Infinity;
  const longCap = Math.min(sessionCap, goal.distanceMeters > 30_000 ? MARATHON_LONG_RUN_MAX : LONG_RUN_MAX);

  const reference = 7 * input.load.chronic;
  let state: EngineState = { acute: input.load.acute, chronic: input.load.chronic };
  let hardYesterday = input.hardDayBefore;
  let lastLoading: number | null = null;
  let previousWeek: number | null = null;
  let fullWeeksGenerated = 0;
  const workouts: PlannedWorkout[] = [];
  const weeks: PlanWeek[] = [];

  for (const frame of frames) {
    if (frame.endDate < today) {
      // Weeks already lived (a regenerate mid-plan): laid out, nothing generated.
      weeks.push({ index: frame.index, startDate: frame.startDate, endDate: frame.endDate, phase: frame.phase, kind: frame.kind, targetLoad: 0 });
      continue;
    }
    const from = frame.startDate < today ? today : frame.startDate;
    const dates: string[] = [];
    for (let d = from; d <= frame.endDate; d = addDays(d, 1)) dates.push(d);
    const full = dates.length === 7;
    const isRaceWeek = frame.endDate === goal.raceDate;

    // 1. The week's target load, from the last weeks' actual loads (never from the targets: clamping only lowers).
    const factor = TAPER_FACTORS[taperWeeksFor(goal.distanceMeters)] ?? [0.5];
    const taperIndex = frames.filter((f) => f.kind === 'taper' && f.index < frame.index).length;
    let target: number;
    if (frame.kind === 'loading') target = lastLoading === null ? reference : lastLoading * GROWTH[frame.phase];
    else if (frame.kind === 'recovery') target = RECOVERY_RATIO * (previousWeek ?? lastLoading ?? reference);
    else target = (factor[Math.min(taperIndex, factor.length - 1)] ?? 0.5) * (lastLoading ?? reference);
    const ceiling = Math.max(reference, peakMinutes(goal.distanceMeters, input.experience) * PLAN_MEAN_RPE);
    if (frame.kind === 'loading') target = Math.min(target, Math.max(ceiling, lastLoading ?? 0));
    if (input.reduceVolume && frame.startDate <= input.reduceVolume.through) target *= input.reduceVolume.factor;

    // 2. What each day holds: runs of about 25 minutes or more, at least 3 (up to daysPerWeek) while the load
    // fills three 15-minute runs. Fewer, bigger runs cannot hold a week's load under the rail: one session
    // may carry about 2.8 days of chronic load before the ACWR passes 1.3.
    const longestAllowed =
      input.longestRecentRunMinutes && input.longestRecentRunMinutes > 0
        ? Math.max(30, input.longestRecentRunMinutes * MAX_WEEKLY_RISE ** (fullWeeksGenerated + 1))
        : Infinity;
    const capOf = (t: WorkoutType) => (t === 'long_run' ? Math.min(longCap, longestAllowed) : Math.min(sessionCap, MAX_MINUTES[t] ?? Infinity));
    let template: Template = new Map();
    let minutesByDay = new Map<number, number>();
    let strengthCount = 0;
    let strengthMinutes = 0;
    let shareCap = longRunShareCap(availability.daysPerWeek);
    const runMinutes = target / PLAN_MEAN_RPE;
    const perRun = Math.min(sessionCap, MAX_MINUTES.easy ?? Infinity);
    // A small week is all easy runs (RPE 3): count them at that effort.
    const easyMinutes = target / rpeOf('easy', frame.phase);
    const wanted =
      easyMinutes >= 3 * MIN_MINUTES.easy
        ? Math.max(3, Math.floor(runMinutes / 25), Math.ceil(runMinutes / perRun))
        : Math.floor(easyMinutes / MIN_MINUTES.easy);
    for (let runs = Math.min(running.length, wanted); runs >= 0; runs--) {
      template = weekTemplate(input, running.slice(0, runs), frame, target >= STRENGTH_MIN_WEEK_LOAD);
      // Strength: 1-2 sessions of up to 30 min, as many as fit in a quarter of the week's load.
      strengthCount = [...template.values()].filter((t) => t === 'strength').length;
      for (; strengthCount > 0; strengthCount--) {
        strengthMinutes = Math.min(STRENGTH_MINUTES, sessionCap, Math.floor((STRENGTH_SHARE * target) / (strengthCount * STRENGTH_RPE)));
        if (strengthMinutes >= MIN_MINUTES.strength) break;
      }
      const runDays = [...template.entries()].filter(([, t]) => t !== 'strength');
      shareCap = longRunShareCap(runDays.length);
      const runLoad = Math.max(0, target - strengthCount * strengthMinutes * STRENGTH_RPE);
      minutesByDay = allocate(runDays, runLoad, frame.phase, shareCap - 0.03, capOf);
      // A quality session too short to hold its work, or one that lifts hard running over 20 %, becomes an
      // easy run before the minutes are fixed (so its load is spent at easy effort, not lost).
      for (;;) {
        const minutesOf = (d: number) => roundDown(minutesByDay.get(d) ?? 0);
        const total = runDays.reduce((a, [d]) => a + minutesOf(d), 0);
        const hard = runDays.reduce((a, [d, t]) => a + hardMinutes(t, minutesOf(d)), 0);
        const quality = runDays.filter(([, t]) => t === 'tempo' || t === 'interval');
        const short = quality.find(([d, t]) => minutesOf(d) < MIN_MINUTES[t]);
        const demote = short ?? (hard > HARD_SHARE * total ? quality[0] : undefined);
        if (!demote) break;
        template.set(demote[0], 'easy');
        demote[1] = 'easy';
        minutesByDay = allocate(runDays, runLoad, frame.phase, shareCap - 0.03, capOf);
      }
      if (runDays.every(([d, t]) => roundDown(minutesByDay.get(d) ?? 0) >= (t === 'long_run' ? MIN_MINUTES.long_run : MIN_MINUTES.easy))) break;
    }
    let types: Array<WorkoutType | null> = dates.map((d) => template.get(isoWeekday(d)) ?? null);
    if (isRaceWeek) types = raceWeek(types, dates, goal.raceDate, template.has(isoWeekday(goal.raceDate)));
    // No two hard days back to back, across weeks and against what precedes today.
    let before = hardYesterday;
    types = types.map((type, i) => {
      const hard = type !== null && HARD_WORKOUT_TYPES.has(type);
      const demote = hard && type !== 'race' && (before || types[i + 1] === 'race');
      before = hard && !demote;
      return demote ? 'easy' : type;
    });
    const strengthDays = new Set(dates.filter((d) => template.get(isoWeekday(d)) === 'strength').slice(0, strengthCount));

    // 3. Minutes per session for a full week of that load; only this week's days kept.
    let sessions: Session[] = dates.flatMap((date, i): Session[] => {
      const type = types[i];
      if (!type) return [];
      if (type === 'race') return [{ date, type, minutes: raceMinutes(goal.distanceMeters, goal.goalTimeMinutes, input.experience) }];
      if (type === 'strength') return strengthDays.has(date) ? [{ date, type, minutes: strengthMinutes }] : [];
      const minutes = roundDown(Math.min(sessionCap, minutesByDay.get(isoWeekday(date)) ?? 0));
      let t = type;
      // A quality session too short to hold its work becomes an easy run.
      if ((t === 'tempo' || t === 'interval') && minutes < MIN_MINUTES[t]) t = 'easy';
      if (minutes < MIN_MINUTES[t]) return [];
      return [{ date, type: t, minutes }];
    });

    // 4. Day by day through the EWMA: shorten what would lift ACWR over the rail. Then, in a whole week, hold
    // the long run to its share of what is left and hard running to 20 % of it (a quality session becomes an
    // easy run); repeat from the week's start after each change, which only ever lowers a load.
    const weekStart = state;
    let simulated = simulate(dates, sessions, weekStart, frame.phase);
    for (let round = 0; round < 30 && full; round++) {
      const runs = simulated.sessions.filter((s) => s.type !== 'strength' && s.type !== 'race');
      const long = runs.find((s) => s.type === 'long_run');
      const rest = runs.filter((s) => s !== long).reduce((a, s) => a + s.minutes, 0);
      const allowed = roundDown(((shareCap - 1e-9) / (1 - shareCap)) * rest);
      if (long && long.minutes > allowed) {
        // Too short to be long: an easy run of the same length instead.
        sessions = sessions.map((s) =>
          s.type !== 'long_run' ? s : allowed >= MIN_MINUTES.long_run ? { ...s, minutes: Math.min(s.minutes, allowed) } : { ...s, type: 'easy' as const },
        );
      } else {
        const total = runs.reduce((a, s) => a + s.minutes, 0);
        const hard = runs.reduce((a, s) => a + hardMinutes(s.type, s.minutes), 0);
        if (hard <= HARD_SHARE * total) break;
        const heaviest = [...runs].sort((a, b) => hardMinutes(b.type, b.minutes) - hardMinutes(a.type, a.minutes))[0]!;
        sessions = sessions.map((s) => (s.date === heaviest.date ? { ...s, type: 'easy' as const } : s));
      }
      simulated = simulate(dates, sessions, weekStart, frame.phase);
    }
    state = simulated.end;

    const planned = simulated.sessions.map((s) => toWorkout(s, frame.phase, pace, input, race));
    workouts.push(...planned);
    const load = planned.filter((w) => w.type !== 'race').reduce((sum, w) => sum + w.plannedLoad, 0);
    weeks.push({ index: frame.index, startDate: frame.startDate, endDate: frame.endDate, phase: frame.phase, kind: frame.kind, targetLoad: load });
    const lastDate = dates[dates.length - 1]!;
    const lastWorkout = planned.find((w) => w.date === lastDate);
    hardYesterday = lastWorkout !== undefined && HARD_WORKOUT_TYPES.has(lastWorkout.type);
    if (full) {
      fullWeeksGenerated++;
      previousWeek = load;
      if (frame.kind === 'loading') lastLoading = load;
    }
  }
  return { phases, weeks, workouts };
}

/** The race week: the race on race day, the long run an easy run, and no more running days than usual. */
function raceWeek(types: Array<WorkoutType | null>, dates: string[], raceDate: string, raceOnRunningDay: boolean): Array<WorkoutType | null> {
  const out = types.map((t) => (t === 'long_run' ? 'easy' : t === 'strength' ? null : t));
  const raceIndex = dates.indexOf(raceDate);
  if (!raceOnRunningDay) {
    // One running day gives way to the race: the nearest one before it.
    for (let i = raceIndex - 1; i >= 0; i--) {
      if (out[i] !== null) {
        out[i] = null;
        break;
      }
    }
  }
  out[raceIndex] = 'race';
  // The eve of the race is easy at most.
  if (raceIndex > 0 && out[raceIndex - 1] !== null && HARD_WORKOUT_TYPES.has(out[raceIndex - 1]!)) out[raceIndex - 1] = 'easy';
  return out;
}

/**
 * Splits the week's running load into minutes per weekday: easy 1, recovery 0.6, quality 1, and the long run
 * what keeps it at `longShare` of the running minutes. The split is of load (minutes x RPE), so the week never
 * holds more than `load`; a session over its cap keeps the cap and hands the rest to the sessions still under
 * theirs (not to the long run, whose share would grow).
 */
function allocate(
  days: ReadonlyArray<[number, WorkoutType]>,
  load: number,
  phase: PlanPhaseName,
  longShare: number,
  capOf: (type: WorkoutType) => number,
): Map<number, number> {
  const out = new Map<number, number>();
  const others = days.filter(([, t]) => t !== 'long_run');
  const otherWeight = others.reduce((s, [, t]) => s + (WEIGHT[t] ?? 1), 0);
  const long = days.find(([, t]) => t === 'long_run');
  const longWeight = long ? Math.max(1, (longShare / (1 - longShare)) * otherWeight) : 0;
  const loadWeight = (t: WorkoutType) => (t === 'long_run' ? longWeight : (WEIGHT[t] ?? 1)) * rpeOf(t, phase);
  const totalWeight = days.reduce((s, [, t]) => s + loadWeight(t), 0);
  if (totalWeight === 0) return out;
  let left = load;
  if (long) {
    const longLoad = Math.min(capOf('long_run') * rpeOf('long_run', phase), (load * loadWeight('long_run')) / totalWeight);
    out.set(long[0], longLoad / rpeOf('long_run', phase));
    left -= longLoad;
  }
  let open = others;
  while (open.length > 0 && left > 1e-9) {
    const weight = open.reduce((s, [, t]) => s + loadWeight(t), 0);
    const capped = open.filter(([, t]) => (left * loadWeight(t)) / weight >= capOf(t) * rpeOf(t, phase));
    if (capped.length === 0) {
      for (const [d, t] of open) out.set(d, (left * loadWeight(t)) / weight / rpeOf(t, phase));
      break;
    }
    for (const [d, t] of capped) {
      out.set(d, capOf(t));
      left -= capOf(t) * rpeOf(t, phase);
    }
    open = open.filter((entry) => !capped.includes(entry));
  }
  return out;
}

/**
 * Runs the week's days (rest days too: they decay the state) through the EWMA. A session whose load would lift
 * the projected ACWR over the rail is shortened to what fits, or dropped when that is under its minimum.
 */
function simulate(dates: readonly string[], sessions: readonly Session[], start: EngineState, phase: PlanPhaseName): { sessions: Session[]; end: EngineState } {
  const byDate = new Map(sessions.map((s) => [s.date, s]));
  let state = start;
  const kept: Session[] = [];
  for (const date of dates) {
    const planned = byDate.get(date);
    let load = 0;
    if (planned) {
      let session: Session | null = planned;
      const limit = maxLoadFor(state, ACWR_TARGET);
      if (planned.type !== 'race' && planned.minutes * rpeOf(planned.type, phase) > limit) {
        const minutes = roundDown(limit / rpeOf(planned.type, phase));
        const easy = Math.min(planned.minutes, roundDown(limit / rpeOf('easy', phase)));
        if (minutes >= MIN_MINUTES[planned.type]) session = { ...planned, minutes };
        // A hard session that no longer fits becomes an easy run, which may.
        else if (planned.type !== 'strength' && easy >= MIN_MINUTES.easy) session = { ...planned, type: 'easy', minutes: easy };
        else session = null;
      }
      if (session) {
        kept.push(session);
        load = session.minutes * rpeOf(session.type, phase);
      }
    }
    state = step(state, load);
  }
  return { sessions: kept, end: state };
}

function toWorkout(s: Session, phase: PlanPhaseName, pace: number, input: PlanInput, race: { meters: number; goalTimeMinutes: number | null }): PlannedWorkout {
  const targetRpe = rpeOf(s.type, phase);
  const zone = input.heartRate.lactateThresholdHr === null && input.heartRate.maxHr === null ? null : zoneFor(s.type, race.meters);
  const meters = s.type === 'race' ? race.meters : targetDistance(s.type, s.minutes, pace);
  return {
    date: s.date,
    type: s.type,
    targetDurationMinutes: s.minutes,
    targetDistanceMeters: meters,
    targetRpe,
    zone,
    description: describe(s.type, s.minutes, meters, input.heartRate, race),
    plannedLoad: s.minutes * targetRpe,
  };
}
