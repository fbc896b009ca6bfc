// De-identification rules: bands and k-anonymity, as properties over random populations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY, band, generalise, kAnonymise, MAX_SUPPRESSED_FRACTION, type AthleteTraits } from '#shared/domain/research';

const arbTraits: fc.Arbitrary<AthleteTraits> = fc.record({
  sex: fc.constantFrom('female', 'male', 'unspecified'),
  age: fc.option(fc.integer({ min: 10, max: 100 }), { nil: null }),
  weightKg: fc.option(fc.double({ min: 25, max: 300, noNaN: true }), { nil: null }),
  heightCm: fc.option(fc.double({ min: 100, max: 250, noNaN: true }), { nil: null }),
  experience: fc.option(fc.constantFrom('beginner', 'intermediate', 'advanced'), { nil: null }),
});
const key = (q: ReturnType<typeof generalise>) => JSON.stringify(q);

describe('de-identification', () => {
  it('bands values and pools ages of 90 and above', () => {
    expect(band(34, 10, 90)).toBe('30-39');
    expect(band(87, 5, 90)).toBe('85-89');
    expect(band(93, 5, 90)).toBe('90+');
    expect(band(61.4, 5)).toBe('60-64');
    expect(band(null, 5)).toBe('unknown');
    expect(band(61.4, null)).toBe(ANY);
  });

  it('property: every kept group holds at least k athletes, and kept + suppressed is everyone', () => {
    fc.assert(
      fc.property(fc.array(arbTraits, { maxLength: 120 }), fc.integer({ min: 2, max: 6 }), (population, k) => {
        const result = kAnonymise(population, (t) => t, k);
        const groups = new Map<string, number>();
        for (const r of result.kept) groups.set(key(r.quasi), (groups.get(key(r.quasi)) ?? 0) + 1);
        return [...groups.values()].every((n) => n >= k) && result.kept.length + result.suppressed.length === population.length;
      }),
      { numRuns: 200 },
    );
  });

  it('property: it generalises no further than needed to keep suppression at 5% or below', () => {
    fc.assert(
      fc.property(fc.array(arbTraits, { minLength: 1, maxLength: 120 }), (population) => {
        const result = kAnonymise(population, (t) => t, 5);
        if (result.level === 0) return true;
        // The chosen level is the first that met the target; below it the target was missed.
        const counts = new Map<string, number>();
        for (const t of population) counts.set(key(generalise(t, result.level - 1)), (counts.get(key(generalise(t, result.level - 1))) ?? 0) + 1);
        const suppressedBelow = population.filter((t) => counts.get(key(generalise(t, result.level - 1)))! < 5).length;
        return suppressedBelow > MAX_SUPPRESSED_FRACTION * population.length;
      }),
      { numRuns: 200 },
    );
  });
});
