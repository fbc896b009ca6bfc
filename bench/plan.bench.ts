// `npm run bench plan`: generating a 24-week marathon plan (the pure generator, p50) beside the load engine's
// pure computation of the same number of days (computeLoadSeries over 168 days), interleaved in the same run;
// and the whole onboarding (profile, load basis, generator, plan + workouts + change log in one transaction)
// on embedded PostgreSQL, to show the generator is not the slow part of it.
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { addDays, eachDay } from '#shared/domain/dates';
import { computeLoadSeries } from '#shared/domain/load';
import type { PlanInput } from '#shared/domain/plan';
import { generatePlan } from '#shared/domain/plan-generator';
import { onboard } from '#shared/plans/service';
import { ms, percentile } from './support';

const TODAY = '2026-03-02';
const DAYS = 24 * 7;
const input: PlanInput = {
  today: TODAY,
  planStart: TODAY,
  goal: { raceDistance: 'marathon', distanceMeters: 42_195, raceDate: addDays(TODAY, DAYS - 1), goalTimeMinutes: 225 },
  availability: { daysPerWeek: 5, longRunDay: 'sun', unavailableDays: ['fri'], maxSessionMinutes: 180 },
  experience: 'intermediate',
  longestRecentRunMinutes: 80,
  load: { date: addDays(TODAY, -1), acute: 110, chronic: 100, recentLoads: [100, 0, 150, 80, 0, 200] },
  heartRate: { maxHr: 188, restingHr: 50, lactateThresholdHr: 168 },
  hardDayBefore: false,
};

export default async function planBench(): Promise<void> {
  const plan = generatePlan(input);
  const loads = eachDay(TODAY, input.goal.raceDate).map((date, i) => ({ date, load: (i * 37) % 400 }));
  const runs = 300;
  const generator: number[] = [];
  const engine: number[] = [];
  for (let i = 0; i < 20; i++) {
    generatePlan(input);
    computeLoadSeries(loads);
  }
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    generatePlan(input);
    generator.push(performance.now() - t);
    t = performance.now();
    computeLoadSeries(loads);
    engine.push(performance.now() - t);
  }

  const db = createDb({});
  await migrateToLatest(db);
  const onboarding: number[] = [];
  try {
    const rows = await db
      .insertInto('users')
      .values(Array.from({ length: 40 }, (_, i) => ({ email: `bench-${i}@example.com`, password_hash: 'x' })))
      .returning('id')
      .execute();
    const now = new Date(`${TODAY}T08:00:00Z`);
    const body = {
      goal: { raceDistance: 'marathon' as const, raceDate: input.goal.raceDate, goalTimeMinutes: 225 },
      availability: { daysPerWeek: 5, longRunDay: 'sun' as const, unavailableDays: ['fri' as const], maxSessionMinutes: 180 },
      current: { weeklyMinutes: 175, longestRecentRunMinutes: 80, experience: 'intermediate' as const },
    };
    for (const [i, row] of rows.entries()) {
      const t = performance.now();
      await onboard(db, { publish: async () => undefined }, row.id, body, now);
      if (i >= 5) onboarding.push(performance.now() - t);
    }
  } finally {
    await db.destroy();
  }

  const g = percentile(generator, 50);
  const e = percentile(engine, 50);
  const o = percentile(onboarding, 50);
  console.log(`24-week marathon plan: ${plan.workouts.length} workouts over ${DAYS} days; ${runs} runs, interleaved`);
  console.log('| case | p50 | p95 | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| load engine, ${DAYS} days (computeLoadSeries) | ${ms(e)} | ${ms(percentile(engine, 95))} | 1.00 (baseline) |`);
  console.log(`| plan generator, 24-week marathon | ${ms(g)} | ${ms(percentile(generator, 95))} | ${(g / e).toFixed(2)} x engine |`);
  console.log(
    `| onboarding, PGlite (${onboarding.length} athletes) | ${ms(o)} | ${ms(percentile(onboarding, 95))} | generator = ${((100 * g) / o).toFixed(1)} % of it |`,
  );
}
