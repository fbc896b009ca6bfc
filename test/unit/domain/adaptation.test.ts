// The adaptation rules, one promise each: what a yellow or red morning does to today's session, how a risk
// alert reshapes the days ahead, where a missed long run goes.
import { describe, expect, it } from 'vitest';
import {
  ACWR_TARGET,
  adaptToReadiness,
  monotonyOf,
  moveMissedLongRun,
  plannedLoad,
  prescriptionForLight,
  regenerateAfterAcwrAlert,
  varyMonotonousWeek,
  type Edit,
  type PlanWorkout,
  type Prescription,
} from '#shared/domain/adaptation';
import { addDays, isoWeekday } from '#shared/domain/dates';
import { HARD_WORKOUT_TYPES, type PlanInput } from '#shared/domain/plan';
import { generatePlan } from '#shared/domain/plan-generator';
import { computeLoadSeries, continueLoadSeries } from '#shared/domain/load';
import type { WorkoutType } from '#shared/db/schema';

const RPE: Record<WorkoutType, number> = { easy: 4, recovery: 2, long_run: 5, tempo: 7, interval: 8, race: 9, strength: 5, cross_training: 4 };
const ZONE: Record<WorkoutType, number | null> = { easy: 2, recovery: 1, long_run: 2, tempo: 4, interval: 5, race: 4, strength: null, cross_training: 2 };

let next = 0;
function workout(date: string, type: WorkoutType, minutes: number, extra: Partial<PlanWorkout> = {}): PlanWorkout {
  next += 1;
  const prescription: Prescription = {
    type,
    targetDurationMinutes: minutes,
    targetDistanceMeters: type === 'strength' ? null : minutes * 180,
    targetRpe: RPE[type],
    zone: ZONE[type],
    description: `${type} ${minutes} min`,
  };
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    date,
    prescription,
    state: 'planned',
    adaptation: null,
    readinessBase: null,
    restored: false,
    ...extra,
  };
}

/** Applies a decision's edits to workouts, as the service writes them. */
function apply(workouts: readonly PlanWorkout[], edits: readonly Edit[]): PlanWorkout[] {
  const out = workouts.flatMap((w) => {
    const e = edits.find((x) => x.op !== 'add' && x.workoutId === w.id);
    if (!e) return [w];
    if (e.op === 'remove') return [];
    if (e.op === 'update') return [{ ...w, prescription: e.prescription, adaptation: e.adaptation, readinessBase: e.readinessBase }];
    return [w];
  });
  for (const e of edits) if (e.op === 'add') out.push({ ...workout(e.date, e.prescription.type, 1), prescription: e.prescription, adaptation: e.adaptation });
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

describe('the traffic light', () => {
  const today = '2027-03-10';

  it('green changes nothing', () => {
    expect(adaptToReadiness(workout(today, 'easy', 50), 'green')).toBeNull();
  });

  it('yellow takes 20% off the volume of an easy run or long run, keeping its intensity', () => {
    const easy = workout(today, 'easy', 50);
    const decision = adaptToReadiness(easy, 'yellow')!;
    expect(decision.trigger).toBe('readiness');
    expect(decision.reason.code).toBe('readiness_yellow');
    const edit = decision.edits[0] as Extract<Edit, { op: 'update' }>;
    expect(edit.prescription).toMatchObject({ type: 'easy', targetDurationMinutes: 40, targetDistanceMeters: 7200, targetRpe: 4, zone: 2 });
    expect(edit.readinessBase).toEqual({ prescription: easy.prescription, adaptation: null });
    expect(prescriptionForLight(workout(today, 'long_run', 100).prescription, 'yellow').targetDurationMinutes).toBe(80);
  });

  it('yellow keeps the length of intervals and tempo runs but one zone lower and targetRpe 1 lower', () => {
    const p = prescriptionForLight(workout(today, 'interval', 60).prescription, 'yellow');
    expect(p).toMatchObject({ type: 'interval', targetDurationMinutes: 60, targetRpe: 7, zone: 4 });
  });

  it('red makes today a recovery run of at most 30 minutes in zone 1', () => {
    for (const [type, minutes, expected] of [
      ['interval', 60, 30],
      ['long_run', 120, 30],
      ['easy', 25, 25],
    ] as const) {
      const p = prescriptionForLight(workout(today, type, minutes).prescription, 'red');
      expect(p).toMatchObject({ type: 'recovery', targetDurationMinutes: expected, zone: 1, targetRpe: 2 });
    }
  });

  it('a race is never changed, and neither is a completed workout or one the athlete restored', () => {
    expect(adaptToReadiness(workout(today, 'race', 45), 'red')).toBeNull();
    expect(adaptToReadiness(workout(today, 'easy', 45, { state: 'completed' }), 'red')).toBeNull();
    expect(adaptToReadiness(workout(today, 'easy', 45, { restored: true }), 'red')).toBeNull();
  });

  it('the latest judgement decides: yellow then red then green ends where the plan began', () => {
    const original = workout(today, 'tempo', 50);
    let w = original;
    for (const light of ['yellow', 'red', 'green'] as const) {
      const d = adaptToReadiness(w, light);
      if (d) w = apply([w], d.edits)[0]!;
    }
    expect(w.prescription).toEqual(original.prescription);
    expect(w.adaptation).toBeNull();
    expect(w.readinessBase).toBeNull();
    // The same judgement twice changes nothing the second time.
    const yellow = apply([w], adaptToReadiness(w, 'yellow')!.edits)[0]!;
    expect(adaptToReadiness(yellow, 'yellow')).toBeNull();
  });
});

describe('ACWR above 1.5: the plan rebuilt from tomorrow with less volume', () => {
  // Four steady weeks of 300 AU a day, then a spike of 900 AU for 4 days; the plan was generated before the spike.
  const start = '2027-02-01';
  const loads = Array.from({ length: 32 }, (_, i) => ({ date: addDays(start, i), load: i < 28 ? 300 : 900 }));
  const series = computeLoadSeries(loads);
  const last = series.at(-1)!;
  const today = last.date;
  const tomorrow = addDays(today, 1);
  const recentLoads = loads.slice(-6).map((l) => l.load);
  const base: PlanInput = {
    today: start,
    planStart: start,
    goal: { raceDistance: 'half', distanceMeters: 21_097.5, raceDate: '2027-06-13', goalTimeMinutes: null },
    availability: { daysPerWeek: 5, longRunDay: 'sun', unavailableDays: ['fri'], maxSessionMinutes: null },
    experience: 'intermediate',
    longestRecentRunMinutes: 90,
    load: { date: addDays(start, -1), acute: 300, chronic: 300, recentLoads: [300, 300, 300, 300, 300, 300] },
    heartRate: { maxHr: 190, restingHr: 50, lactateThresholdHr: null },
    hardDayBefore: false,
  };
  const before = generatePlan(base)
    .workouts.filter((w) => w.date >= today)
    .map((w) => workout(w.date, w.type, w.targetDurationMinutes, { prescription: { ...w } }));
  const input = {
    plan: {
      ...base,
      today: tomorrow,
      load: { date: today, acute: last.acute, chronic: last.chronic, recentLoads },
      hardDayBefore: HARD_WORKOUT_TYPES.has(before.find((w) => w.date === today)?.prescription.type ?? 'easy'),
    },
    workouts: before,
    acwr: last.acwr!,
  };
  const loadOn = (ws: readonly PlanWorkout[], date: string) => ws.filter((w) => w.date === date).reduce((s, w) => s + plannedLoad(w.prescription), 0);
  const week = Array.from({ length: 7 }, (_, i) => addDays(tomorrow, i));

  it('brings the projected ACWR back to at most 1.3 within 7 days, with less volume than before', () => {
    expect(last.acwr!).toBeGreaterThan(1.5);
    const decision = regenerateAfterAcwrAlert(input)!;
    expect(decision).toMatchObject({ trigger: 'risk_alert', reason: { code: 'acwr_high' } });
    const after = apply(before, decision.edits);
    // Projected with the load engine from the stored state, today's session as planned.
    const projected = continueLoadSeries(
      { date: today, acute: last.acute, chronic: last.chronic },
      recentLoads,
      week.map((date) => ({ date, load: loadOn(after, date) })),
      { seriesStart: start },
    );
    expect(projected.at(-1)!.acwr!).toBeLessThanOrEqual(ACWR_TARGET);
    const sum = (ws: readonly PlanWorkout[]) => week.reduce((s, date) => s + loadOn(ws, date), 0);
    expect(sum(after)).toBeLessThan(sum(before));
    // Today and the past are untouched; every changed or new workout names the reason.
    expect(after.find((w) => w.date === today)).toEqual(before.find((w) => w.date === today));
    for (const e of decision.edits) if (e.op !== 'remove') expect(e.adaptation).toMatchObject({ trigger: 'risk_alert', code: 'acwr_high' });
  });

  it("keeps the plan's invariants: no two hard days in a row (from today on), nothing on unavailable days, the long run on its day", () => {
    const after = apply(before, regenerateAfterAcwrAlert(input)!.edits);
    const hard = new Set(after.filter((w) => HARD_WORKOUT_TYPES.has(w.prescription.type)).map((w) => w.date));
    for (const date of hard) expect(hard.has(addDays(date, 1)), `hard on ${date} and the day after`).toBe(false);
    expect(after.filter((w) => isoWeekday(w.date) === 5)).toEqual([]);
    const longRuns = after.filter((w) => w.prescription.type === 'long_run');
    expect(longRuns.length).toBeGreaterThan(0);
    expect(longRuns.every((w) => isoWeekday(w.date) === 7)).toBe(true);
  });

  it('the same state asked again changes nothing; a completed workout is never touched', () => {
    const decision = regenerateAfterAcwrAlert(input)!;
    expect(regenerateAfterAcwrAlert({ ...input, workouts: apply(before, decision.edits) })).toBeNull();
    const done = before.map((w) => (w.date === tomorrow ? { ...w, state: 'completed' as const } : w));
    const edits = regenerateAfterAcwrAlert({ ...input, workouts: done })!.edits;
    const doneId = done.find((w) => w.date === tomorrow)?.id;
    expect(edits.some((e) => (e.op === 'add' ? e.date === tomorrow : e.workoutId === doneId))).toBe(false);
  });
});

describe('monotony above 2.0: more contrast next week', () => {
  it('shortens or rests easy days until the planned monotony is at most 1.5, hard sessions untouched', () => {
    const start = '2027-03-08';
    const week = [0, 1, 2, 3, 4, 5, 6].map((i) => workout(addDays(start, i), i === 2 ? 'tempo' : 'easy', 45));
    const loadsOf = (ws: PlanWorkout[]) =>
      [0, 1, 2, 3, 4, 5, 6].map((i) => ws.filter((w) => w.date === addDays(start, i)).reduce((s, w) => s + plannedLoad(w.prescription), 0));
    expect(monotonyOf(loadsOf(week))!).toBeGreaterThan(2);
    const decision = varyMonotonousWeek({ start, workouts: week, monotony: 2.6 })!;
    expect(decision.reason.code).toBe('monotony_high');
    const after = apply(week, decision.edits);
    expect(monotonyOf(loadsOf(after))!).toBeLessThanOrEqual(1.5);
    expect(after.find((w) => w.prescription.type === 'tempo')!.prescription).toEqual(week[2]!.prescription);
    expect(new Set(after.map((w) => w.date)).size).toBeGreaterThanOrEqual(3);
  });

  it('leaves a week that already has contrast alone', () => {
    const start = '2027-03-08';
    const week = [workout(start, 'interval', 60), workout(addDays(start, 2), 'easy', 30), workout(addDays(start, 5), 'long_run', 120)];
    expect(varyMonotonousWeek({ start, workouts: week, monotony: 2.2 })).toBeNull();
  });
});

describe('a missed long run', () => {
  // Mon 2027-03-01 .. : tue interval, thu tempo, sat long run, the week after the same.
  const plan = () => {
    const d = (n: number) => addDays('2027-03-01', n);
    return [
      workout(d(1), 'interval', 60),
      workout(d(3), 'tempo', 50),
      workout(d(4), 'easy', 40),
      workout(d(5), 'long_run', 110, { state: 'missed' }),
      workout(d(8), 'interval', 60),
      workout(d(10), 'tempo', 50),
      workout(d(12), 'long_run', 120),
    ];
  };

  it("moves to the next suitable day, and that week's interval or tempo session gives way", () => {
    const workouts = plan();
    const missed = workouts[3]!;
    const decision = moveMissedLongRun({ missed, today: '2027-03-07', workouts, unavailableDays: [], raceDate: '2027-06-01' })!;
    expect(decision.trigger).toBe('missed_workout');
    const added = decision.edits.find((e) => e.op === 'add') as Extract<Edit, { op: 'add' }>;
    // Sunday 03-07 is free and follows no hard day; the next day (Monday 03-08 rest) holds no long run.
    expect(added.date).toBe('2027-03-07');
    expect(added.prescription).toMatchObject({ type: 'long_run', targetDurationMinutes: 110 });
    // Tuesday's interval (nearest quality session) gives way.
    expect(decision.edits).toContainEqual({ op: 'remove', workoutId: workouts[4]!.id });
  });

  it('skips an unavailable day and the day after a hard day', () => {
    const workouts = plan();
    const decision = moveMissedLongRun({ missed: workouts[3]!, today: '2027-03-07', workouts, unavailableDays: ['sun', 'mon'], raceDate: '2027-06-01' })!;
    const added = decision.edits.find((e) => e.op === 'add') as Extract<Edit, { op: 'add' }>;
    // Sun and Mon unavailable; Tue holds the interval (it gives way, the long run takes the day).
    expect(added.date).toBe('2027-03-09');
    expect(decision.edits).toContainEqual({ op: 'remove', workoutId: workouts[4]!.id });
    const after = apply(workouts, decision.edits).filter((w) => w.state === 'planned');
    for (const w of after) {
      const nextDay = after.find((x) => x.date === addDays(w.date, 1));
      const hard = (x?: PlanWorkout) => x !== undefined && ['interval', 'tempo', 'long_run', 'race'].includes(x.prescription.type);
      expect(hard(w) && hard(nextDay), `hard days ${w.date} and the day after`).toBe(false);
    }
  });

  it('is not moved when no day within 7 fits, and other missed sessions are never crammed back', () => {
    const workouts = plan();
    expect(
      moveMissedLongRun({
        missed: workouts[3]!,
        today: '2027-03-07',
        workouts,
        unavailableDays: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri'],
        raceDate: '2027-06-01',
      }),
    ).toBeNull();
    const missedTempo = { ...workouts[1]!, state: 'missed' as const };
    expect(moveMissedLongRun({ missed: missedTempo, today: '2027-03-05', workouts, unavailableDays: [], raceDate: '2027-06-01' })).toBeNull();
  });
});
