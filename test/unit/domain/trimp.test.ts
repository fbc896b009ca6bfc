import { describe, expect, it } from 'vitest';
import {
  activityTrimp,
  banisterTrimp,
  banisterTrimpFromSamples,
  banisterWeighting,
  edwardsMinutesInZones,
  edwardsTrimp,
  edwardsZone,
  evenlySpacedSamples,
  heartRateReserveFraction,
  type HeartRateProfile,
  type Sex,
} from '#shared/domain/trimp';
import { SEEDS, expectClose, mulberry32, randomInt, readVector } from './support';

interface BanisterCase {
  name: string;
  input: { duration_min: number; hr_avg: number; hr_rest: number; hr_max: number; sex: Sex };
  expected: { hr_reserve_fraction: number; weighting: number; trimp: number } | { error: string };
}
interface EdwardsCase {
  name: string;
  input: { minutes_in_zones?: number[]; hr_samples?: number[]; hr_max?: number; sample_seconds?: number };
  expected: { trimp: number; minutes_in_zones?: number[] };
}
type TrimpVector = { cases: [{ cases: BanisterCase[] }, { cases: EdwardsCase[] }, unknown] };

const vector = readVector<TrimpVector>('trimp');
const [banisterCases, edwardsCases] = [vector.cases[0].cases, vector.cases[1].cases];

describe('Banister TRIMP against the reference vectors', () => {
  it.each(banisterCases.map((c) => [c.name, c] as const))('%s', (_name, { input, expected }) => {
    const profile: HeartRateProfile = { restingHr: input.hr_rest, maxHr: input.hr_max, sex: input.sex };
    if ('error' in expected) {
      expect(() => banisterTrimp(input.duration_min, input.hr_avg, profile)).toThrow('maxHr must be greater than restingHr');
      return;
    }
    const hrr = heartRateReserveFraction(input.hr_avg, input.hr_rest, input.hr_max);
    expectClose(hrr, expected.hr_reserve_fraction, 'HRr');
    expectClose(banisterWeighting(hrr, input.sex), expected.weighting, 'weighting');
    expectClose(banisterTrimp(input.duration_min, input.hr_avg, profile), expected.trimp, 'trimp');
  });
});

describe('Edwards TRIMP against the reference vectors', () => {
  it.each(edwardsCases.map((c) => [c.name, c] as const))('%s', (_name, { input, expected }) => {
    if (input.minutes_in_zones) {
      expectClose(edwardsTrimp(input.minutes_in_zones), expected.trimp, 'trimp');
      return;
    }
    const { samples, endOffsetS } = evenlySpacedSamples(input.hr_samples!, input.sample_seconds!);
    const minutes = edwardsMinutesInZones(samples, input.hr_max!, { endOffsetS });
    minutes.forEach((m, i) => expectClose(m, expected.minutes_in_zones![i]!, `zone ${i + 1}`));
    expectClose(edwardsTrimp(minutes), expected.trimp, 'trimp');
  });

  it('puts each boundary in the zone it starts', () => {
    expect([99, 100, 119, 120, 179, 180, 200, 240].map((hr) => edwardsZone(hr, 200))).toEqual([0, 1, 1, 2, 4, 5, 5, 5]);
    expect(edwardsZone(114, 190)).toBe(2); // exactly 60 % of 190
    expect(() => edwardsTrimp([1, 2, 3])).toThrow(RangeError);
    expect(() => edwardsTrimp([1, 2, 3, -4, 5])).toThrow(RangeError);
  });
});

describe('Banister TRIMP choices', () => {
  const athlete = { restingHr: 50, maxHr: 190 };

  it('weights an unspecified sex with the mean of the two published curves, between them at every intensity', () => {
    for (let i = 0; i <= 100; i++) {
      const hrr = i / 100;
      const [male, female] = [banisterWeighting(hrr, 'male'), banisterWeighting(hrr, 'female')];
      const unspecified = banisterWeighting(hrr, 'unspecified');
      expect(unspecified).toBe((male + female) / 2);
      expect(unspecified).toBeGreaterThan(Math.min(male, female));
      expect(unspecified).toBeLessThan(Math.max(male, female));
    }
    expect(() => banisterWeighting(0.5, 'other' as Sex)).toThrow(RangeError);
  });

  it('clamps heart rates outside rest..max and refuses an inverted or missing range', () => {
    expect(heartRateReserveFraction(40, 50, 190)).toBe(0);
    expect(heartRateReserveFraction(200, 50, 190)).toBe(1);
    expect(() => heartRateReserveFraction(120, 60, 60)).toThrow(RangeError);
    expect(() => heartRateReserveFraction(120, 70, 60)).toThrow(RangeError);
    expect(() => heartRateReserveFraction(Number.NaN, 50, 190)).toThrow(RangeError);
    expect(() => banisterTrimp(-1, 150, { ...athlete, sex: 'male' })).toThrow(RangeError);
  });

  it('from steady samples equals the average-HR form', () => {
    const { samples, endOffsetS } = evenlySpacedSamples(
      Array.from({ length: 45 * 60 }, () => 150),
      1,
    );
    const profile: HeartRateProfile = { ...athlete, sex: 'female' };
    expectClose(banisterTrimpFromSamples(samples, profile, { endOffsetS }), banisterTrimp(45, 150, profile), 'trimp', 1e-9);
  });

  it('from samples counts intervals higher than the average-HR form does (convex weighting)', () => {
    const hrs = Array.from({ length: 40 }, (_, minute) => (Math.floor(minute / 4) % 2 === 0 ? 178 : 122));
    const { samples, endOffsetS } = evenlySpacedSamples(hrs, 60);
    const profile: HeartRateProfile = { ...athlete, sex: 'male' };
    const average = hrs.reduce((a, b) => a + b, 0) / hrs.length;
    expect(banisterTrimpFromSamples(samples, profile, { endOffsetS })).toBeGreaterThan(banisterTrimp(40, average, profile) * 1.05);
  });

  it('holds each reading until the next, skips gaps without HR, caps long gaps and ignores sample order', () => {
    const profile: HeartRateProfile = { ...athlete, sex: 'male' };
    const perMinute = banisterTrimp(1, 160, profile);
    const held = [
      { offsetS: 600, hr: 160 },
      { offsetS: 0, hr: 160 },
      { offsetS: 300, hr: null },
    ];
    // 0 → 600 s is 10 min, capped at 2 min; the last reading is held until the end (60 s later).
    expectClose(banisterTrimpFromSamples(held, profile, { endOffsetS: 660 }), 3 * perMinute, 'capped', 1e-9);
    expectClose(banisterTrimpFromSamples(held, profile, { endOffsetS: 660, maxGapS: 600 }), 11 * perMinute, 'uncapped', 1e-9);
    expect(banisterTrimpFromSamples([], profile)).toBe(0);
    expect(() => banisterTrimpFromSamples([{ offsetS: -1, hr: 150 }], profile)).toThrow(RangeError);
  });

  it('splits sample time across Edwards zones exactly like the held intervals (property)', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const random = mulberry32(seed);
      let offset = 0;
      const samples = Array.from({ length: randomInt(random, 1, 400) }, () => {
        offset += randomInt(random, 1, 30);
        return { offsetS: offset, hr: random() < 0.05 ? null : randomInt(random, 70, 205) };
      });
      const endOffsetS = offset + randomInt(random, 0, 30);
      const minutes = edwardsMinutesInZones(samples, 195, { endOffsetS, maxGapS: 1e9 });
      const below50 = samples
        .map((s, i) => ({ ...s, next: samples.slice(i + 1).find((n) => n.hr !== null)?.offsetS ?? endOffsetS }))
        .filter((s) => s.hr !== null && edwardsZone(s.hr, 195) === 0)
        .reduce((sum, s) => sum + (s.next - s.offsetS) / 60, 0);
      const firstReading = samples.find((s) => s.hr !== null)?.offsetS ?? endOffsetS;
      const total = minutes.reduce((a, b) => a + b, 0) + below50;
      expectClose(total, (endOffsetS - firstReading) / 60, `seed ${seed}: minutes add up`, 1e-9);
    }
  });

  it('for an activity uses samples when there are any, else the average HR, else nothing', () => {
    const profile = { restingHr: 50, maxHr: 190, sex: 'male' as const };
    const samples = evenlySpacedSamples([130, 170], 60).samples;
    expectClose(
      activityTrimp({ durationMinutes: 2, avgHr: 150, samples }, profile),
      banisterTrimp(1, 130, profile) + banisterTrimp(1, 170, profile),
      'samples',
      1e-9,
    );
    expect(activityTrimp({ durationMinutes: 2, avgHr: 150, samples: [{ offsetS: 0, hr: null }] }, profile)).toBe(banisterTrimp(2, 150, profile));
    expect(activityTrimp({ durationMinutes: 2, avgHr: 150 }, profile)).toBe(banisterTrimp(2, 150, profile));
    expect(activityTrimp({ durationMinutes: 2, avgHr: null }, profile)).toBeNull();
    expect(activityTrimp({ durationMinutes: 2, avgHr: 150 }, { ...profile, restingHr: null })).toBeNull();
  });
});
