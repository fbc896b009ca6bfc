// Shared by the domain tests: the reference vectors (../shared/science/vectors, next to the repo), an absolute
// tolerance check (science.md §2.9: toBeCloseTo(x, 6) demands < 5e-7 and fails correctly rounded values) and a
// seeded generator for property tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const VECTORS_DIR = fileURLToPath(new URL('../../fixtures/reference/vectors/', import.meta.url));

export function readVector<T>(name: string): T {
  return JSON.parse(readFileSync(`${VECTORS_DIR}${name}.json`, 'utf8')) as T;
}

export const TOLERANCE = 1e-6;

/** |actual − expected| ≤ tolerance, null only where null is expected; `what` names the value in failures. */
export function expectClose(actual: number | null | undefined, expected: number | null, what: string, tolerance = TOLERANCE): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(typeof actual, what).toBe('number');
  const difference = Math.abs((actual as number) - expected);
  expect(difference <= tolerance, `${what}: ${actual} vs ${expected} (|diff| ${difference})`).toBe(true);
}

/** mulberry32: a tiny seeded PRNG, so a failing property test replays exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Seeds for property runs: fixed, so CI is reproducible; properties put the failing seed in their message. */
export const SEEDS = Array.from({ length: 200 }, (_, i) => 0x5eed + i * 7919);

/** One day of a load vector (../shared/science/vectors), in the vectors' own snake_case. */
export interface LoadVectorRow {
  date: string;
  load: number;
  acute: number;
  chronic: number;
  acwr: number | null;
  tsb: number;
  week_load: number | null;
  monotony: number | null;
  strain: number | null;
  warmup: boolean;
  acwr_alert: boolean;
  monotony_alert: boolean;
}

export interface LoadVector {
  name: string;
  cases: {
    name: string;
    input: { records: { date: string; load: number }[]; start?: string; end?: string };
    expected: LoadVectorRow[];
    summary: { acwr_alert_dates: string[]; monotony_alert_dates: string[]; max_monotony?: number };
  }[];
}
