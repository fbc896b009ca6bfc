// The morning-readiness season scenarios (test/support/scenarios.ts), and the checks on scenario files themselves.
// The load scenarios run in scenarios-load.test.ts, beside this file, so both workers share them.
import { describe, expect, it } from 'vitest';
import { Scenario } from '#lib/local/scenario';
import { readScenario, SCENARIO_GROUPS, scenarioFiles, scenarioTests } from '#test/support/scenarios';

describe('the season scenarios', () => {
  it('are all here, each run by exactly one test file', () => {
    expect(scenarioFiles()).toEqual([
      'load-spike.json',
      'missed-long-run.json',
      'monotonous-block.json',
      'perfect-athlete.json',
      'red-morning.json',
      'yellow-morning.json',
    ]);
    expect([...SCENARIO_GROUPS.readiness, ...SCENARIO_GROUPS.load].sort()).toEqual(scenarioFiles());
  });

  scenarioTests(SCENARIO_GROUPS.readiness);
});

describe('a scenario file', () => {
  it('refuses unknown fields, naming them', () => {
    const scenario = readScenario('red-morning.json') as Record<string, unknown>;
    const parsed = Scenario.safeParse({ ...scenario, event: [], events: [{ day: 1, doo: 'skip' }] });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths.some((p) => p.startsWith(': ') && p.includes('event'))).toBe(true);
    expect(paths.some((p) => p.startsWith('events.0') && p.includes('doo'))).toBe(true);
  });
});
