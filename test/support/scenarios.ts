// The season scenarios checked into test/scenarios, run through the season simulator (the real local runtime on
// a virtual clock). They are split over two test files so that both workers share the suite's longest runs.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Scenario } from '#lib/local/scenario';
import { simulate } from '#lib/local/simulator';
import { testDb } from './db';

export const SCENARIO_DIR = new URL('../scenarios/', import.meta.url);

/** Which test file runs which scenario; test/e2e/scenarios-readiness.test.ts checks that every file is claimed once. */
export const SCENARIO_GROUPS = {
  readiness: ['perfect-athlete.json', 'red-morning.json', 'yellow-morning.json'],
  load: ['load-spike.json', 'missed-long-run.json', 'monotonous-block.json'],
} as const;

export function scenarioFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function readScenario(file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, SCENARIO_DIR), 'utf8'));
}

/** One test per scenario: every rule it expects fires, nothing it rules out happens, every day is complete. */
export function scenarioTests(files: readonly string[]): void {
  for (const file of files) {
    it(`${file}: the rule it names fires`, async () => {
      const scenario = Scenario.parse(readScenario(file));
      const database = await testDb();
      try {
        const result = await simulate(scenario, { db: database.db });
        expect(result.failures).toEqual([]);
        expect(result.days).toHaveLength(scenario.days);
        // Every day of the table has what the issue promises: the morning's light, the plan version, the metrics.
        expect(result.days.every((d) => d.planVersion !== null && d.metrics !== null)).toBe(true);
      } finally {
        await database.close();
      }
    }, 180_000);
  }
}
