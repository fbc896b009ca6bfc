// The plan generator's promises, checked over random athletes, goals, histories and availabilities
// (fast-check). The projected ACWR comes from the project's own load engine (shared/domain/load.ts),
// continuing from the athlete's state, never from the generator's own arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDay, isoWeekday } from '#shared/domain/dates';
import { continueLoadSeries, type LoadDay } from '#shared/domain/load';
import {
  HARD_WORKOUT_TYPES,
  RACE_METERS,
  RUNNING_WORKOUT_TYPES,
  WEEKDAY_NUMBER,
  type GeneratedPlan,
  type PlanInput,
  type PlannedWorkout,
  type Weekday,
} from '#shared/domain/plan';
import {
  ACWR_CEILING,
  ACWR_FLOOR,
  MAX_WEEKLY_RISE,
  PLAN_MEAN_RPE,
  generatePlan,
  longRunShareCap,
  planStructure,
  runningWeekdays,
  taperWeeksFor,
} from '#shared/domain/plan-generator';
import { hardMinutes } from '#shared/domain/plan-prescriptions';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// PLAN_PROPERTY_RUNS=5000 searches harder for a counterexample, from a random seed (printed on failure); the
// default run replays one seed, so CI judges the same 300 athletes every time.
const RUNS = Number(process.env.PLAN_PROPERTY_RUNS ?? 300);
const SEED = process.env.PLAN_PROPERTY_RUNS ? undefined : 20261130;

const availability = fc.subarray(WEEKDAYS, { maxLength: 4 }).chain((unavailable) => {
  const available = WEEKDAYS.filter((d) => !unavailable.includes(d));
  return fc.record({
    unavailableDays: fc.constant(unavailable),
    longRunDay: fc.constantFrom(...available),
    daysPerWeek: fc.integer({ min: 3, max: available.length }),
    maxSessionMinutes: fc.option(fc.integer({ min: 20, max: 360 }), { nil: null }),
  });
});

const raceDistance = fc.oneof(
  fc.constantFrom('5k', '10k', 'half', 'marathon').map((d) => ({ raceDistance: d, distanceMeters: RACE_METERS[d] })),
  fc.integer({ min: 1000, max: 250_000 }).map((m) => ({ raceDistance: null, distanceMeters: m })),
);

/** Athletes from a near-beginner (5 AU/day) to a high-volume runner (250 AU/day), in any recent ACWR state. */
const planInput: fc.Arbitrary<PlanInput> = fc
  .record({
    today: fc.integer({ min: 0, max: 4 * 365 }).map((d) => addDays('2024-01-01', d)),
    daysToRace: fc.integer({ min: 14, max: 364 }),
    startedDaysAgo: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70 })),
    race: raceDistance,
    goalTimeMinutes: fc.option(fc.integer({ min: 15, max: 600 }), { nil: null }),
    availability,
    experience: fc.constantFrom('beginner', 'intermediate', 'advanced'),
    longestRecentRunMinutes: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    chronic: fc.double({ min: 5, max: 250, noNaN: true }),
    acwr: fc.double({ min: 0.2, max: 1.6, noNaN: true }),
    recentLoads: fc.array(fc.double({ min: 0, max: 800, noNaN: true }), { minLength: 6, maxLength: 6 }),
    maxHr: fc.option(fc.integer({ min: 150, max: 210 }), { nil: null }),
    lactateThresholdHr: fc.option(fc.integer({ min: 130, max: 185 }), { nil: null }),
    hardDayBefore: fc.boolean(),
  })
  .map((r) => ({
    today: r.today,
    planStart: addDays(r.today, -Math.min(r.startedDaysAgo, 7 * 52 - r.daysToRace)),
    goal: { ...r.race, raceDate: addDays(r.today, r.daysToRace), goalTimeMinutes: r.goalTimeMinutes } as PlanInput['goal'],
    availability: r.availability,
    experience: r.experience as PlanInput['experience'],
    longestRecentRunMinutes: r.longestRecentRunMinutes,
    load: { date: addDays(r.today, -1), acute: r.chronic * r.acwr, chronic: r.chronic, recentLoads: r.recentLoads },
    heartRate: { maxHr: r.maxHr, restingHr: null, lactateThresholdHr: r.lactateThresholdHr },
    hardDayBefore: r.hardDayBefore,
  }));

/** The plan's days through the load engine, continuing from the athlete's stored state. */
function project(input: PlanInput, plan: GeneratedPlan): LoadDay[] {
  const loads = new Map<string, number>();
  for (const w of plan.workouts) loads.set(w.date, (loads.get(w.date) ?? 0) + w.plannedLoad);
  const days = eachDay(input.today, input.goal.raceDate).map((date) => ({ date, load: loads.get(date) ?? 0 }));
  const previous = { date: input.load.date, acute: input.load.acute, chronic: input.load.chronic };
  return continueLoadSeries(previous, input.load.recentLoads, days, { seriesStart: addDays(input.load.date, -400) });
}

interface WeekView {
  index: number;
  kind: string;
  phase: string;
  startDate: string;
  endDate: string;
  /** Every day of the week is planned (not cut by today or a short first week). */
  full: boolean;
  workouts: PlannedWorkout[];
  load: number;
  runningMinutes: number;
}

function weeksOf(input: PlanInput, plan: GeneratedPlan): WeekView[] {
  return plan.weeks.map((w) => {
    const workouts = plan.workouts.filter((x) => x.date >= w.startDate && x.date <= w.endDate);
    return {
      ...w,
      full: daysBetween(w.startDate, w.endDate) === 6 && w.startDate >= input.today,
      workouts,
      load: workouts.filter((x) => x.type !== 'race').reduce((s, x) => s + x.plannedLoad, 0),
      runningMinutes: workouts.filter((x) => RUNNING_WORKOUT_TYPES.has(x.type) && x.type !== 'race').reduce((s, x) => s + x.targetDurationMinutes, 0),
    };
  });
}

/**
 * Whether the week can grow under the 1.3 ceiling. With 3 running days each session carries about 2.5 days of
 * chronic load, close to the 2.8 the ceiling allows, so after every lighter week the ceiling binds and trims
 * the next weeks; runs bunched by the available days (4+ rest days in a row) swing the ratio from under 0.8
 * to 1.3 within each week. There the ceiling wins and the floor and the recovery band are not promised.
 */
function roomToBuild(input: PlanInput): boolean {
  // What the days can hold at easy effort: below the athlete's load, no plan can keep the ratio up.
  const cap = Math.min(input.availability.maxSessionMinutes ?? 90, 90);
  if (input.availability.daysPerWeek * cap * 3 < 7 * input.load.chronic * 1.2) return false;
  if (input.availability.daysPerWeek < 4) return false;
  const days = runningWeekdays(input).sort((a, b) => a - b);
  const longestRest = Math.max(...days.map((d, i) => ((days[(i + 1) % days.length]! - d + 7) % 7 || 7) - 1));
  return longestRest < 4;
}

/**
 * 90 minutes of running a week (360 AU; the service never seeds less): below it sessions sit at their
 * 15-20 minute minimums, a week cannot be cut to 60-80 % in whole runs, and the ceiling trims it down.
 */
function enoughToBuildOn(input: PlanInput): boolean {
  // 10% above the floor: exactly at it, whole-minute sessions at their minimums left a loading week a shade
  // under 0.8 (seed 431355837 with PLAN_PROPERTY_RUNS=3000: 324 AU a week, a 1 km goal, 4 days).
  return 7 * input.load.chronic >= 1.1 * 90 * PLAN_MEAN_RPE;
}

const property = (name: string, check: (input: PlanInput, plan: GeneratedPlan) => void) =>
  it(name, { timeout: 300_000 }, () => {
    fc.assert(
      fc.property(planInput, (input) => {
        check(input, generatePlan(input));
      }),
      { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) },
    );
  });

describe('a generated plan, for any athlete, goal, history and availability', () => {
  property('schedules at most one workout a day, from today to race day, and the race on race day', (input, plan) => {
    const dates = plan.workouts.map((w) => w.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[0]! >= input.today).toBe(true);
    const races = plan.workouts.filter((w) => w.type === 'race');
    expect(races.map((w) => w.date)).toEqual([input.goal.raceDate]);
    expect(dates[dates.length - 1]).toBe(input.goal.raceDate);
    expect(races[0]!.targetDistanceMeters).toBe(input.goal.distanceMeters);
  });

  property('gives every workout an RPE and plannedLoad = targetDurationMinutes x targetRpe', (_input, plan) => {
    for (const w of plan.workouts) {
      expect(Number.isInteger(w.targetRpe) && w.targetRpe >= 1 && w.targetRpe <= 10).toBe(true);
      expect(Number.isInteger(w.targetDurationMinutes) && w.targetDurationMinutes > 0).toBe(true);
      expect(w.plannedLoad).toBe(w.targetDurationMinutes * w.targetRpe);
      expect(w.description.length).toBeGreaterThan(10);
    }
  });

  property('puts nothing on unavailable days and the long run only on the long-run day', (input, plan) => {
    const unavailable = new Set(input.availability.unavailableDays.map((d) => WEEKDAY_NUMBER[d]));
    for (const w of plan.workouts) {
      if (w.type !== 'race') expect(unavailable.has(isoWeekday(w.date)), `${w.type} on ${w.date}`).toBe(false);
      if (w.type === 'long_run') expect(isoWeekday(w.date)).toBe(WEEKDAY_NUMBER[input.availability.longRunDay]);
    }
  });

  property('never runs on more days than daysPerWeek in any 7 consecutive days', (input, plan) => {
    const running = new Set(plan.workouts.filter((w) => RUNNING_WORKOUT_TYPES.has(w.type)).map((w) => w.date));
    for (let day = input.today; day <= input.goal.raceDate; day = addDays(day, 1)) {
      const window = eachDay(day, addDays(day, 6)).filter((d) => running.has(d)).length;
      expect(window, `7 days from ${day}`).toBeLessThanOrEqual(input.availability.daysPerWeek);
    }
  });

  property('never puts two hard days (interval, tempo, long run, race) back to back', (input, plan) => {
    const hard = new Set(plan.workouts.filter((w) => HARD_WORKOUT_TYPES.has(w.type)).map((w) => w.date));
    if (input.hardDayBefore) hard.add(input.load.date);
    for (const day of hard) expect(hard.has(addDays(day, 1)), `hard on ${day} and the day after`).toBe(false);
  });

  property('keeps the projected ACWR at or under 1.3 on every day before the race', (input, plan) => {
    const series = project(input, plan);
    let previous = input.load.chronic === 0 ? null : input.load.acute / input.load.chronic;
    for (const day of series) {
      if (day.date === input.goal.raceDate) break;
      if (day.acwr !== null && day.acwr > ACWR_CEILING) {
        // Only a state the athlete arrived with, decaying on rest days: the plan adds nothing until it is safe.
        expect(day.load, `load on ${day.date} at ACWR ${day.acwr}`).toBe(0);
        expect(day.acwr).toBeLessThan(previous ?? Infinity);
      }
      previous = day.acwr;
    }
  });

  property(
    'keeps the projected ACWR at 0.8 or more in loading weeks, from a week after today, when the availability can hold the current load',
    (input, plan) => {
      if (!enoughToBuildOn(input)) return;
      if (!roomToBuild(input)) return;
      const acwr = new Map(project(input, plan).map((d) => [d.date, d.acwr]));
      for (const week of weeksOf(input, plan)) {
        if (!week.full || week.kind !== 'loading' || daysBetween(input.today, week.startDate) < 7) continue;
        const values = eachDay(week.startDate, week.endDate).map((d) => acwr.get(d)!);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        expect(mean, `week ${week.index} (${week.startDate})`).toBeGreaterThanOrEqual(ACWR_FLOOR);
      }
    },
  );

  property('raises the weekly load at most 10% over the last loading week (the first over the current load)', (input, plan) => {
    let reference = 7 * input.load.chronic;
    for (const week of weeksOf(input, plan)) {
      expect(week.load, `week ${week.index}`).toBeLessThanOrEqual(MAX_WEEKLY_RISE * reference + 1e-9);
      if (week.full && week.kind === 'loading') reference = week.load;
    }
  });

  property('makes every 4th week before the taper a recovery week at 60-80% of the week before', (input, plan) => {
    const structure = planStructure(input.planStart, input.goal.raceDate, input.goal.distanceMeters);
    let run = 0;
    for (const w of structure.weeks) {
      if (w.kind === 'loading') run++;
      else run = 0;
      expect(run, `loading weeks in a row up to week ${w.index}`).toBeLessThanOrEqual(3);
    }
    const weeks = weeksOf(input, plan);
    weeks.forEach((week, i) => {
      const before = weeks[i - 1];
      // A week under three 20-minute runs, or sessions pinned at a 20-30 minute cap, cannot be cut finely.
      if (week.kind !== 'recovery' || !week.full || !before?.full || !enoughToBuildOn(input)) return;
      // Sessions pinned at maxSessionMinutes cannot carry what the week before put on strength days.
      if (week.workouts.some((w) => w.targetDurationMinutes === input.availability.maxSessionMinutes)) return;
      if (!roomToBuild(input)) return;
      expect(week.load / before.load, `week ${week.index}`).toBeGreaterThanOrEqual(0.6);
      expect(week.load / before.load, `week ${week.index}`).toBeLessThanOrEqual(0.8);
    });
  });

  property('keeps the long run within its share of the week and every session within maxSessionMinutes', (input, plan) => {
    for (const week of weeksOf(input, plan)) {
      const long = week.workouts.find((w) => w.type === 'long_run');
      const share = longRunShareCap(week.workouts.filter((w) => RUNNING_WORKOUT_TYPES.has(w.type)).length);
      if (long && week.full) expect(long.targetDurationMinutes, `week ${week.index}`).toBeLessThanOrEqual(share * week.runningMinutes + 1e-9);
    }
    for (const w of plan.workouts) {
      if (w.type !== 'race' && input.availability.maxSessionMinutes !== null) {
        expect(w.targetDurationMinutes).toBeLessThanOrEqual(input.availability.maxSessionMinutes);
      }
    }
  });

  property('keeps hard running to about 20% of the running time (at most 25% in any full week)', (_input, plan) => {
    const weeks = weeksOf(_input, plan);
    for (const week of weeks) {
      if (!week.full || week.runningMinutes === 0) continue;
      const hard = week.workouts.filter((w) => w.type !== 'race').reduce((s, w) => s + hardMinutes(w.type, w.targetDurationMinutes), 0);
      expect(hard / week.runningMinutes, `week ${week.index}`).toBeLessThanOrEqual(0.25);
    }
  });

  property('schedules strength at most twice a week, only in base and build', (_input, plan) => {
    for (const week of weeksOf(_input, plan)) {
      const strength = week.workouts.filter((w) => w.type === 'strength').length;
      expect(strength).toBeLessThanOrEqual(2);
      if (week.phase === 'peak' || week.phase === 'taper') expect(strength).toBe(0);
    }
  });

  property('lays the phases end to end from the plan start to race day, the taper as long as the race asks', (input, plan) => {
    const order = ['base', 'build', 'peak', 'taper'];
    expect(plan.phases[0]!.startDate).toBe(input.planStart);
    expect(plan.phases[plan.phases.length - 1]!.endDate).toBe(input.goal.raceDate);
    plan.phases.forEach((p, i) => {
      if (i > 0) {
        expect(p.startDate).toBe(addDays(plan.phases[i - 1]!.endDate, 1));
        expect(order.indexOf(p.name)).toBeGreaterThan(order.indexOf(plan.phases[i - 1]!.name));
      }
    });
    const taper = plan.phases.find((p) => p.name === 'taper')!;
    const weeks = Math.ceil((daysBetween(input.planStart, input.goal.raceDate) + 1) / 7);
    expect((daysBetween(taper.startDate, taper.endDate) + 1) / 7).toBe(Math.min(taperWeeksFor(input.goal.distanceMeters), weeks - 1));
  });

  property('uses heart-rate zones only when a heart-rate anchor is known, and names the HR in the words', (input, plan) => {
    const anchored = input.heartRate.lactateThresholdHr !== null || input.heartRate.maxHr !== null;
    for (const w of plan.workouts) {
      if (!anchored) {
        expect(w.zone).toBeNull();
        expect(w.description).not.toMatch(/HR/);
      } else if (w.type === 'easy') {
        expect(w.zone).toBe(2);
        expect(w.description).toMatch(/^\d+ min easy, conversational pace, HR under \d+/);
      }
    }
  });

  property('is a pure function: the same input gives the same plan', (input, plan) => {
    expect(generatePlan(structuredClone(input))).toEqual(plan);
  });
});

describe('the generator, by example', () => {
  const base: PlanInput = {
    today: '2026-03-02',
    planStart: '2026-03-02',
    goal: { raceDistance: 'marathon', distanceMeters: 42_195, raceDate: '2026-08-16', goalTimeMinutes: 240 },
    availability: { daysPerWeek: 4, longRunDay: 'sun', unavailableDays: ['fri'], maxSessionMinutes: null },
    experience: 'intermediate',
    longestRecentRunMinutes: 70,
    load: { date: '2026-03-01', acute: 100, chronic: 100, recentLoads: [100, 100, 100, 100, 100, 100] },
    heartRate: { maxHr: null, restingHr: null, lactateThresholdHr: 165 },
    hardDayBefore: false,
  };

  it('describes an easy run in plain words with the Friel zone 2 ceiling from the threshold HR', () => {
    const easy = generatePlan(base).workouts.find((w) => w.type === 'easy')!;
    expect(easy.description).toMatch(/^\d+ min easy, conversational pace, HR under 149/);
  });

  it('builds a marathon plan: base, build, peak and a 3-week taper, the weekly load growing to the peak', () => {
    const plan = generatePlan(base);
    expect(plan.phases.map((p) => p.name)).toEqual(['base', 'build', 'peak', 'taper']);
    const taper = plan.phases[3]!;
    expect(daysBetween(taper.startDate, taper.endDate) + 1).toBe(21);
    const loading = plan.weeks.filter((w) => w.kind === 'loading').map((w) => w.targetLoad);
    expect(Math.max(...loading)).toBeGreaterThan(1.5 * loading[0]!);
  });

  it('rebuilds only from today when regenerating mid-plan, keeping the phases where they were', () => {
    const later = { ...base, today: '2026-04-15', load: { ...base.load, date: '2026-04-14' } };
    const plan = generatePlan(later);
    expect(plan.phases).toEqual(generatePlan(base).phases);
    expect(plan.workouts.every((w) => w.date >= '2026-04-15')).toBe(true);
  });

  it('plans nothing but the race while the athlete arrives far above the rail and the race is near', () => {
    const spiked = { ...base, goal: { ...base.goal, raceDistance: '5k' as const, distanceMeters: 5000, raceDate: '2026-03-04' } };
    const plan = generatePlan({ ...spiked, load: { ...base.load, acute: 400, chronic: 100 } });
    expect(plan.workouts.map((w) => w.type)).toEqual(['race']);
  });

  it('refuses a load state that is not of the day before today', () => {
    expect(() => generatePlan({ ...base, load: { ...base.load, date: '2026-02-27' } })).toThrow(RangeError);
  });
});
