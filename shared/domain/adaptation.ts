// The adaptive brain's rules: how the plan answers the morning's readiness, a risk alert and a missed long run.
// Pure functions over plain data (no clock, no database): shared/adaptation/service.ts reads the state, calls a
// rule and writes what it returns as one new plan version. Each rule returns null when nothing needs to change,
// and gives the same answer for the same state, so an event delivered twice changes nothing twice.
// Conventions (../shared/science.md §5; where the evidence is thin the rule is a documented product choice):
import type { AdaptationTrigger, StoredAdaptation, StoredPrescription, StoredReadinessBase, WorkoutState, WorkoutType } from './plan-vocabulary';
import { ACWR_ALERT_ABOVE, MONOTONY_ALERT_ABOVE } from './alerts';
import { addDays, daysBetween, isoWeekday } from './dates';
import { HARD_WORKOUT_TYPES, RUNNING_WORKOUT_TYPES, WEEKDAY_NUMBER, type PlanInput, type PlannedWorkout, type Weekday } from './plan';
import { generatePlan } from './plan-generator';

export type Prescription = StoredPrescription;
export type Adaptation = StoredAdaptation;
export type ReadinessBase = StoredReadinessBase;
export type ReadinessLight = 'green' | 'yellow' | 'red';

/** A current workout of the plan as the rules see it. */
export interface PlanWorkout {
  id: string;
  date: string;
  prescription: Prescription;
  state: WorkoutState;
  adaptation: Adaptation | null;
  readinessBase: ReadinessBase | null;
  /** The athlete restored it: the coach leaves it alone. */
  restored: boolean;
}

export type Edit =
  /** The workout keeps its id and gets a new prescription (its generated one is kept as the original). */
  | { op: 'update'; workoutId: string; prescription: Prescription; adaptation: Adaptation | null; readinessBase: ReadinessBase | null }
  /** The workout leaves the plan (a rest day now). */
  | { op: 'remove'; workoutId: string }
  /** A new workout on a day (a moved long run). */
  | { op: 'add'; date: string; prescription: Prescription; adaptation: Adaptation };

export interface Decision {
  trigger: AdaptationTrigger;
  reason: { code: string; message: string };
  edits: Edit[];
}

/** Yellow: easy volume -20 %; red: a recovery run of at most this long in zone 1. */
export const YELLOW_VOLUME_FACTOR = 0.8;
export const RED_RECOVERY_MAX_MINUTES = 30;
export const RED_RECOVERY_RPE = 2;
/** After an ACWR alert the plan is rebuilt so that the projected ACWR is back to at most this within 7 days. */
export const ACWR_TARGET = 1.3;
export const ACWR_HORIZON_DAYS = 7;
/** An ACWR alert's rebuild plans the weeks of the next 7 days at this share of their target load. */
export const ACWR_VOLUME_FACTOR = 0.8;
const ACWR_REASON_CODE = 'acwr_high';
/** After a monotony alert the next week is varied until its planned monotony is at most this. */
export const MONOTONY_TARGET = 1.5;
/** A missed long run may move this many days forward at most. */
export const LONG_RUN_MOVE_DAYS = 7;

export function plannedLoad(p: Prescription): number {
  return (p.targetDurationMinutes ?? 0) * (p.targetRpe ?? 0);
}

export function samePrescription(a: Prescription, b: Prescription): boolean {
  return (
    a.type === b.type &&
    a.targetDurationMinutes === b.targetDurationMinutes &&
    a.targetDistanceMeters === b.targetDistanceMeters &&
    a.targetRpe === b.targetRpe &&
    a.zone === b.zone &&
    a.description === b.description
  );
}

const roundMinutes = (m: number) => Math.max(1, Math.round(m));
const roundMeters = (m: number | null, f: number) => (m === null ? null : Math.round((m * f) / 10) * 10);

function scaled(p: Prescription, factor: number, note: string): Prescription {
  return {
    ...p,
    targetDurationMinutes: p.targetDurationMinutes === null ? null : roundMinutes(p.targetDurationMinutes * factor),
    targetDistanceMeters: roundMeters(p.targetDistanceMeters, factor),
    description: `${p.description} (${note})`,
  };
}

// ---- 1. the traffic light -------------------------------------------------------------------------

/** Quality sessions keep their length and drop one zone and one RPE point on a yellow morning; the rest loses 20 % of its volume. */
const INTENSITY_FIRST: ReadonlySet<WorkoutType> = new Set(['interval', 'tempo']);

/** Today's workout on a `light` morning, from the workout as it stood before any readiness change. */
export function prescriptionForLight(base: Prescription, light: ReadinessLight): Prescription {
  if (light === 'green' || base.type === 'race') return base;
  if (light === 'red') {
    const minutes = Math.min(RED_RECOVERY_MAX_MINUTES, base.targetDurationMinutes ?? RED_RECOVERY_MAX_MINUTES);
    return {
      type: 'recovery',
      targetDurationMinutes: minutes,
      targetDistanceMeters: null,
      targetRpe: RED_RECOVERY_RPE,
      zone: 1,
      description: `Recovery run, ${minutes} min very easy in zone 1, or rest if you feel worse (your readiness is red)`,
    };
  }
  if (INTENSITY_FIRST.has(base.type)) {
    return {
      ...base,
      targetRpe: base.targetRpe === null ? null : Math.max(1, base.targetRpe - 1),
      zone: base.zone === null ? null : Math.max(1, base.zone - 1),
      description: `${base.description} (one zone easier: your readiness is yellow)`,
    };
  }
  return scaled(base, YELLOW_VOLUME_FACTOR, '20% shorter: your readiness is yellow');
}

const LIGHT_REASON: Record<ReadinessLight, { code: string; message: string }> = {
  green: { code: 'readiness_green', message: "Your readiness is back to green, so today's session is as planned again." },
  yellow: { code: 'readiness_yellow', message: "Your readiness is yellow this morning, so today's session is a little easier." },
  red: { code: 'readiness_red', message: 'Your readiness is red this morning, so today is a short recovery run (or rest).' },
};

/**
 * The morning rule. Only today's planned workout changes; the latest judgement of the day decides, from the
 * workout as it stood before the first readiness change of the day (a green check-in later puts that back).
 */
export function adaptToReadiness(today: PlanWorkout | null, light: ReadinessLight): Decision | null {
  if (today?.state !== 'planned' || today.restored) return null;
  const base: ReadinessBase = today.readinessBase ?? { prescription: today.prescription, adaptation: today.adaptation };
  const wanted = prescriptionForLight(base.prescription, light);
  if (samePrescription(wanted, today.prescription)) return null;
  const reason = LIGHT_REASON[light];
  const unchanged = samePrescription(wanted, base.prescription);
  return {
    trigger: 'readiness',
    reason,
    edits: [
      {
        op: 'update',
        workoutId: today.id,
        prescription: wanted,
        adaptation: unchanged ? base.adaptation : { trigger: 'readiness', ...reason },
        readinessBase: unchanged ? null : base,
      },
    ],
  };
}

// ---- 2a. ACWR above 1.5: the plan rebuilt from tomorrow with less volume ---------------------------

export interface AcwrInput {
  /**
   * The generator's input for a rebuild from tomorrow (`today` = tomorrow), from the athlete's stored acute and
   * chronic load at the end of today (the load basis regenerate uses); `reduceVolume` is set here.
   */
  plan: PlanInput;
  /** The plan's current workouts from the athlete's today on (any state). */
  workouts: readonly PlanWorkout[];
  /** The alert's ratio, for the message. */
  acwr: number;
}

function replaceable(w: PlanWorkout, from: string): boolean {
  return w.date >= from && w.state !== 'completed';
}

function generatedPrescription(w: PlannedWorkout): Prescription {
  return {
    type: w.type,
    targetDurationMinutes: w.targetDurationMinutes,
    targetDistanceMeters: w.targetDistanceMeters,
    targetRpe: w.targetRpe,
    zone: w.zone,
    description: w.description,
  };
}

/**
 * The guard rail after an ACWR alert (> 1.5): the plan is generated again from tomorrow (as a regenerate) from
 * the athlete's current acute and chronic load, with the weeks of the next 7 days at 80 % of their target load;
 * the weeks after grow back from those at the generator's usual rate. The generator is safe by construction
 * (each day's session is shortened or dropped when it would lift the projected ACWR above 1.3, and rest days
 * bring the ratio down), so the projected ACWR is back to at most 1.3 within the 7 days, and its invariants
 * hold: no two hard days in a row (also against today's session), nothing on unavailable days, the long run on
 * its day. Today and everything completed stay as they are. A workout of the new plan on a day that held one
 * keeps that workout's id (its before and after are one change-log entry); the rest are added or removed.
 */
export function regenerateAfterAcwrAlert(input: AcwrInput): Decision | null {
  const from = input.plan.today;
  const through = addDays(from, ACWR_HORIZON_DAYS - 1);
  if (daysBetween(from, input.plan.goal.raceDate) < 1) return null;
  const generated = generatePlan({ ...input.plan, reduceVolume: { factor: ACWR_VOLUME_FACTOR, through } });
  const reason = {
    code: ACWR_REASON_CODE,
    message: `Your training load rose too fast (acute:chronic ratio ${input.acwr.toFixed(2)}, above ${ACWR_ALERT_ABOVE}), so your plan is rebuilt from tomorrow with ${Math.round((1 - ACWR_VOLUME_FACTOR) * 100)}% less volume over the next 7 days and a gradual build after that.`,
  };
  const adaptation: Adaptation = { trigger: 'risk_alert', ...reason };
  const kept = new Set(input.workouts.filter((w) => w.date >= from && !replaceable(w, from)).map((w) => w.date));
  const oldByDate = new Map<string, PlanWorkout[]>();
  for (const w of input.workouts) if (replaceable(w, from)) oldByDate.set(w.date, [...(oldByDate.get(w.date) ?? []), w]);
  const edits: Edit[] = [];
  for (const w of generated.workouts) {
    if (kept.has(w.date)) continue;
    const prescription = generatedPrescription(w);
    const old = oldByDate.get(w.date)?.shift();
    if (!old) edits.push({ op: 'add', date: w.date, prescription, adaptation });
    else if (!samePrescription(prescription, old.prescription)) {
      edits.push({ op: 'update', workoutId: old.id, prescription, adaptation, readinessBase: null });
    }
  }
  for (const rest of oldByDate.values()) for (const w of rest) edits.push({ op: 'remove', workoutId: w.id });
  return edits.length === 0 ? null : { trigger: 'risk_alert', reason, edits };
}

// ---- 2b. monotony above 2.0: more contrast next week ----------------------------------------------

/** Population SD, as the load engine's monotony. */
export function monotonyOf(loads: readonly number[]): number | null {
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  const sd = Math.sqrt(loads.reduce((a, b) => a + (b - mean) ** 2, 0) / loads.length);
  return sd === 0 ? null : mean / sd;
}

const EASY_TYPES: ReadonlySet<WorkoutType> = new Set(['easy', 'recovery', 'cross_training']);

/**
 * After a monotony alert (> 2.0): the week after (the 7 days from `start`) gets more contrast between hard and
 * easy days until its planned monotony is at most 1.5. Hard sessions (intervals, tempo, the long run, a race)
 * keep their prescription; easy sessions are shortened by one common factor down to 60 %, and if that is not
 * enough the shortest easy sessions become rest days, keeping at least 3 running days.
 */
export function varyMonotonousWeek(input: { start: string; workouts: readonly PlanWorkout[]; monotony: number }): Decision | null {
  const days = Array.from({ length: 7 }, (_, i) => addDays(input.start, i));
  const week = input.workouts.filter((w) => w.date >= days[0]! && w.date <= days[6]! && w.state !== 'missed');
  const easy = week.filter((w) => w.state === 'planned' && !w.restored && EASY_TYPES.has(w.prescription.type));
  const weekMonotony = (factor: number, rested: ReadonlySet<string>) => {
    const loads = days.map((d) =>
      week
        .filter((w) => w.date === d && !rested.has(w.id))
        .reduce((sum, w) => sum + plannedLoad(easy.includes(w) ? scaled(w.prescription, factor, '') : w.prescription), 0),
    );
    return monotonyOf(loads) ?? Infinity;
  };
  if (weekMonotony(1, new Set()) <= MONOTONY_TARGET) return null;

  let factor = 1;
  for (const f of [0.9, 0.8, 0.7, 0.6]) {
    factor = f;
    if (weekMonotony(f, new Set()) <= MONOTONY_TARGET) break;
  }
  const rested = new Set<string>();
  const runningDays = () => new Set(week.filter((w) => !rested.has(w.id) && RUNNING_WORKOUT_TYPES.has(w.prescription.type)).map((w) => w.date)).size;
  const byLoad = [...easy].sort((a, b) => plannedLoad(a.prescription) - plannedLoad(b.prescription) || a.date.localeCompare(b.date));
  for (const w of byLoad) {
    if (weekMonotony(factor, rested) <= MONOTONY_TARGET) break;
    if (RUNNING_WORKOUT_TYPES.has(w.prescription.type) && runningDays() <= 3) continue;
    rested.add(w.id);
  }
  const reason = {
    code: 'monotony_high',
    message: `Your last week was very monotonous (monotony ${input.monotony.toFixed(2)}, above ${MONOTONY_ALERT_ABOVE}): next week has easier easy days, so the hard days stand out.`,
  };
  const edits: Edit[] = [];
  for (const w of easy) {
    if (rested.has(w.id)) edits.push({ op: 'remove', workoutId: w.id });
    else if (factor < 1) {
      const p = scaled(w.prescription, factor, `${Math.round((1 - factor) * 100)}% shorter: more contrast between hard and easy days`);
      if (!samePrescription(p, w.prescription))
        edits.push({ op: 'update', workoutId: w.id, prescription: p, adaptation: { trigger: 'risk_alert', ...reason }, readinessBase: null });
    }
  }
  return edits.length === 0 ? null : { trigger: 'risk_alert', reason, edits };
}

// ---- 3. a missed long run -------------------------------------------------------------------------

export interface MissedLongRunInput {
  missed: PlanWorkout;
  today: string;
  /** Current workouts of the plan (any state), at least from the missed day to 8 days after it. */
  workouts: readonly PlanWorkout[];
  unavailableDays: readonly Weekday[];
  raceDate: string;
}

const isHard = (w: PlanWorkout | undefined) => w !== undefined && w.state !== 'missed' && HARD_WORKOUT_TYPES.has(w.prescription.type);

/**
 * A missed long run is kept: it moves to the first suitable day of the 7 after it (from today on). A day is
 * suitable when the athlete is available that weekday, the day before holds no hard session, the day after holds
 * no long run or race, and the day itself holds no long run, race or strength session nor a session the athlete
 * already did. The long run takes that day (its own session gives way), and that week's interval or tempo
 * session nearest to it gives way too (long runs take priority over intervals), so the week's load stays near
 * plan and no two hard days meet. Other missed workouts are not crammed back in.
 */
export function moveMissedLongRun(input: MissedLongRunInput): Decision | null {
  const { missed } = input;
  if (missed.prescription.type !== 'long_run' || missed.state !== 'missed') return null;
  const onDay = (date: string) => input.workouts.filter((w) => w.date === date && w.id !== missed.id);
  const unavailable = new Set(input.unavailableDays.map((d) => WEEKDAY_NUMBER[d]));
  const first = input.today > missed.date ? input.today : addDays(missed.date, 1);
  let target: string | null = null;
  for (let date = first; daysBetween(missed.date, date) <= LONG_RUN_MOVE_DAYS; date = addDays(date, 1)) {
    if (date >= input.raceDate) break;
    if (unavailable.has(isoWeekday(date))) continue;
    if (onDay(addDays(date, -1)).some(isHard)) continue;
    if (onDay(addDays(date, 1)).some((w) => w.prescription.type === 'long_run' || w.prescription.type === 'race')) continue;
    const here = onDay(date);
    if (here.some((w) => w.state !== 'planned' || ['long_run', 'race', 'strength'].includes(w.prescription.type))) continue;
    target = date;
    break;
  }
  if (target === null) return null;
  const moved = target;
  const reason = {
    code: 'long_run_moved',
    message: `You missed your long run on ${missed.date}, so it moves to ${moved}; that week's interval or tempo session gives way.`,
  };
  const edits: Edit[] = onDay(moved).map((w) => ({ op: 'remove' as const, workoutId: w.id }));
  const displacedHere = onDay(moved).some((w) => INTENSITY_FIRST.has(w.prescription.type));
  if (!displacedHere) {
    const windowEnd = addDays(missed.date, LONG_RUN_MOVE_DAYS);
    const quality = input.workouts
      .filter((w) => w.state === 'planned' && !w.restored && INTENSITY_FIRST.has(w.prescription.type) && w.date >= first && w.date <= windowEnd)
      .sort((a, b) => Math.abs(daysBetween(moved, a.date)) - Math.abs(daysBetween(moved, b.date)) || a.date.localeCompare(b.date));
    if (quality[0]) edits.push({ op: 'remove', workoutId: quality[0].id });
  }
  // Whatever hard session now sits the day after the long run gives way to an easy day.
  for (const w of onDay(addDays(moved, 1))) {
    if (w.state === 'planned' && INTENSITY_FIRST.has(w.prescription.type) && !edits.some((e) => e.op === 'remove' && e.workoutId === w.id)) {
      edits.push({ op: 'remove', workoutId: w.id });
    }
  }
  edits.push({
    op: 'add',
    date: moved,
    prescription: { ...missed.prescription, description: `${missed.prescription.description} (moved from ${missed.date})` },
    adaptation: { trigger: 'missed_workout', ...reason },
  });
  return { trigger: 'missed_workout', reason, edits };
}
