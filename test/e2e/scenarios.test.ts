// The scenarios checked into test/scenarios, each through the season simulator (the real local runtime on a
// virtual clock): every rule a scenario expects fires, and nothing it rules out happens.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../lib/local/scenario';
import { simulate } from '../../lib/local/simulator';
import { testDb } from '../support/db';

const dir = new URL('../scenarios/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('the season scenarios', () => {
  it('are all here', () => {
    expect(files).toEqual([
      'load-spike.json',
      'missed-long-run.json',
      'monotonous-block.json',
      'perfect-athlete.json',
      'red-morning.json',
      'yellow-morning.json',
    ]);
  });

  for (const file of files) {
    it(`${file}: the rule it names fires`, async () => {
      const scenario = Scenario.parse(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
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
});

describe('a scenario file', () => {
  it('refuses unknown fields, naming them', () => {
    const scenario = JSON.parse(readFileSync(new URL('red-morning.json', dir), 'utf8')) as Record<string, unknown>;
    const parsed = Scenario.safeParse({ ...scenario, event: [], events: [{ day: 1, doo: 'skip' }] });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths.some((p) => p.startsWith(': ') && p.includes('event'))).toBe(true);
    expect(paths.some((p) => p.startsWith('events.0') && p.includes('doo'))).toBe(true);
  });
});
