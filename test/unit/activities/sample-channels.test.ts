// The stored form of samples (one array per channel, indexed by second) gives back exactly what went in.
import { describe, expect, it } from 'vitest';
import { heartRatesOf, sampleRowsOf, toChannels } from '#shared/activities/sample-channels';
import { arrayLiteral } from '#shared/db/array-literal';
import { type ActivitySample, normaliseSamples } from '#shared/domain/activity-candidate';

const asRow = (s: ActivitySample) => ({
  offsetSeconds: s.offsetSeconds,
  hr: s.hr ?? null,
  speedMps: s.paceSecondsPerKm === undefined ? null : 1000 / s.paceSecondsPerKm,
  cadence: s.cadence ?? null,
  powerW: s.power ?? null,
});

describe('sample channels', () => {
  it('line up by second, with gaps as null and unmeasured channels as null', () => {
    const samples: ActivitySample[] = [
      { offsetSeconds: 2, hr: 120 },
      { offsetSeconds: 3, hr: 121, cadence: 170 },
      { offsetSeconds: 6, cadence: 172 },
    ];
    expect(toChannels(samples)).toEqual({
      seconds: 7,
      hr: [null, null, 120, 121, null, null, null],
      speed_mps: null,
      cadence: [null, null, null, 170, null, null, 172],
      power_w: null,
    });
    expect(heartRatesOf(toChannels(samples).hr)).toEqual([
      { offsetS: 2, hr: 120 },
      { offsetS: 3, hr: 121 },
    ]);
  });

  it('give back every normalised sample, value for value, on random vendor streams', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 50; run++) {
      const raw: ActivitySample[] = Array.from({ length: Math.floor(random() * 400) }, () => ({
        offsetSeconds: Math.floor(random() * 2000),
        ...(random() < 0.8 ? { hr: 20 + random() * 240 } : {}),
        ...(random() < 0.5 ? { paceSecondsPerKm: 5 + random() * 600 } : {}),
        ...(random() < 0.5 ? { cadence: random() * 320 } : {}),
        ...(random() < 0.2 ? { power: random() * 3200 } : {}),
      }));
      const samples = normaliseSamples(raw);
      expect(sampleRowsOf(toChannels(samples))).toEqual(samples.map(asRow));
    }
  });

  it('are sent as array literals with bare numbers, NULL in the gaps and every digit of a speed', () => {
    expect(arrayLiteral([140, 141, 142])).toBe('{140,141,142}');
    expect(arrayLiteral([null, 140, null, 141])).toBe('{NULL,140,NULL,141}');
    expect(arrayLiteral([0.1 + 0.2, 3.25])).toBe('{0.30000000000000004,3.25}');
  });

  it('are empty for no samples', () => {
    expect(toChannels([])).toEqual({ seconds: 0, hr: null, speed_mps: null, cadence: null, power_w: null });
    expect(sampleRowsOf(toChannels([]))).toEqual([]);
    expect(heartRatesOf(null)).toEqual([]);
  });
});
