import { describe, expect, it } from 'vitest';
import { addDays, eachDay, isoWeekday, type IsoWeekday } from '#shared/domain/dates';
import { computeLoadSeries, continueLoadSeries, dailyLoads, sessionLoad, type DailyLoad, type LoadDay } from '#shared/domain/load';
import { SEEDS, expectClose, mulberry32, randomInt, readVector, type LoadVector, type LoadVectorRow } from './support';

const NUMBERS = ['load', 'acute', 'chronic', 'acwr', 'tsb', 'week_load', 'monotony', 'strain'] as const;
const FIELD = { week_load: 'weekLoad' } as const;

function expectRow(actual: LoadDay, expected: LoadVectorRow): void {
  expect(actual.date).toBe(expected.date);
  for (const key of NUMBERS) {
    const field = key === 'week_load' ? FIELD.week_load : key;
    expectClose(actual[field], expected[key], `${expected.date} ${key}`);
  }
  expect(actual.warmup, `${expected.date} warmup`).toBe(expected.warmup);
  expect(actual.acwrAlert, `${expected.date} acwr_alert`).toBe(expected.acwr_alert);
  expect(actual.monotonyAlert, `${expected.date} monotony_alert`).toBe(expected.monotony_alert);
}

describe.each(['steady_state', 'spike_week', 'monotonous_week'])('reference vector %s', (file) => {
  const vector = readVector<LoadVector>(file);
  it.each(vector.cases.map((c) => [c.name, c] as const))('matches every day of %s to 1e-6', (_name, testCase) => {
    const series = computeLoadSeries(testCase.input.records, { start: testCase.input.start, end: testCase.input.end });
    expect(series).toHaveLength(testCase.expected.length);
    series.forEach((day, i) => expectRow(day, testCase.expected[i]!));
    expect(series.filter((d) => d.acwrAlert).map((d) => d.date)).toEqual(testCase.summary.acwr_alert_dates);
    expect(series.filter((d) => d.monotonyAlert).map((d) => d.date)).toEqual(testCase.summary.monotony_alert_dates);
  });
});

describe('session-RPE load', () => {
  const vector = readVector<{ cases: { name: string; cases: { name: string; input: Record<string, number>; expected: Record<string, number> }[] }[] }>('trimp');
  const srpe = vector.cases.find((c) => c.name === 'session_rpe')!.cases;
  it.each(srpe.map((c) => [c.name, c] as const))('matches the vector: %s', (_name, c) => {
    expectClose(sessionLoad(c.input.duration_min!, c.input.rpe!), c.expected.load!, 'load');
  });

  it('is minutes × CR-10 RPE and refuses anything else', () => {
    expect(sessionLoad(60, 7)).toBe(420);
    expect(Object.is(sessionLoad(-0, 7), 0)).toBe(true);
    for (const [minutes, rpe] of [
      [-1, 5],
      [30, -1],
      [30, 11],
      [Number.NaN, 5],
      [Number.POSITIVE_INFINITY, 5],
      [30, 15],
    ]) {
      expect(() => sessionLoad(minutes!, rpe!), `${minutes} × ${rpe}`).toThrow(RangeError);
    }
  });
});

describe('daily loads', () => {
  it('sums sessions on the same date and fills days without one with 0', () => {
    const loads = dailyLoads([
      { date: '2024-05-03', load: 200 },
      { date: '2024-05-01', load: 300 },
      { date: '2024-05-03', load: 150.5 },
    ]);
    expect(loads).toEqual([
      { date: '2024-05-01', load: 300 },
      { date: '2024-05-02', load: 0 },
      { date: '2024-05-03', load: 350.5 },
    ]);
  });

  it('spans the window given, ignoring records outside it', () => {
    const records = [
      { date: '2024-04-30', load: 999 },
      { date: '2024-05-02', load: 100 },
      { date: '2024-05-09', load: 999 },
    ];
    expect(dailyLoads(records, { start: '2024-05-01', end: '2024-05-04' }).map((d) => d.load)).toEqual([0, 100, 0, 0]);
    expect(dailyLoads([], { start: '2024-05-01', end: '2024-05-02' })).toEqual([
      { date: '2024-05-01', load: 0 },
      { date: '2024-05-02', load: 0 },
    ]);
    expect(dailyLoads([])).toEqual([]);
    expect(() => dailyLoads([], { start: '2024-05-02', end: '2024-05-01' })).toThrow(RangeError);
  });

  it('rejects negative, non-finite and undated loads, even outside the window', () => {
    for (const bad of [-1, -1e-9, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => dailyLoads([{ date: '2024-05-01', load: bad }]), String(bad)).toThrow(RangeError);
    }
    expect(() => dailyLoads([{ date: '2024-02-30', load: 1 }])).toThrow(RangeError);
    expect(() => dailyLoads([{ date: '2024-01-01', load: -5 }], { start: '2024-05-01' })).toThrow(RangeError);
  });

  it('normalises -0 to 0 everywhere in the series', () => {
    const series = computeLoadSeries([{ date: '2024-05-01', load: -0 }], { end: '2024-05-08' });
    for (const day of series) {
      for (const value of [day.load, day.acute, day.chronic, day.tsb, day.weekLoad, day.strain]) {
        if (value !== null) expect(Object.is(value, -0), day.date).toBe(false);
      }
    }
    expect(series[0]!.acwr).toBeNull();
  });
});

describe('load series', () => {
  it('follows the closed form from a zero seed under constant load', () => {
    const series = computeLoadSeries(eachDay('2024-01-01', '2024-06-30').map((date) => ({ date, load: 300 })));
    series.forEach((day, t) => {
      expectClose(day.acute, 300 * (1 - 0.75 ** (t + 1)), `acute day ${t}`, 1e-9);
      expectClose(day.chronic, 300 * (1 - (27 / 29) ** (t + 1)), `chronic day ${t}`, 1e-9);
    });
    expect(series[0]!.acwr).toBe(3.625); // the start-up artefact warmup hides
  });

  it('reproduces the CRAN ACWR package with seed "first"', () => {
    const series = computeLoadSeries(
      [
        { date: '2024-01-01', load: 400 },
        { date: '2024-01-02', load: 200 },
      ],
      { seed: 'first' },
    );
    expect(series[0]).toMatchObject({ acute: 400, chronic: 400, acwr: 1, tsb: 0 });
    expectClose(series[1]!.acute, 200 * 0.25 + 400 * 0.75, 'acute', 1e-12);
    expectClose(series[1]!.chronic, 200 * (2 / 29) + 400 * (27 / 29), 'chronic', 1e-12);
  });

  it('leaves ACWR undefined while chronic load is 0, and computes strain 0 for an empty week', () => {
    const series = computeLoadSeries([], { start: '2024-01-01', end: '2024-01-10' });
    expect(series.every((d) => d.acwr === null && d.chronic === 0)).toBe(true);
    expect(series[6]).toMatchObject({ weekLoad: 0, monotony: null, strain: 0, monotonyAlert: false });
  });

  it('does not read float noise as an infinitely monotonous week', () => {
    const loads = [0.1 + 0.2, 0.3, 0.3, 0.1 + 0.2, 0.3, 0.3, 0.3];
    const day = computeLoadSeries(loads.map((load, i) => ({ date: addDays('2024-01-01', i), load }))).at(-1)!;
    expect(day.sd).toBe(0);
    expect(day.monotony).toBeNull();
    expect(day.strain).toBeNull();
    expect(day.monotonyAlert).toBe(true);
  });

  it('with a monotony cap reports identical weeks as the cap, like Runalyze', () => {
    const records = readVector<LoadVector>('monotonous_week').cases[0]!.input.records;
    const series = computeLoadSeries(records, { monotonyCap: 10 });
    const byDate = new Map(series.map((d) => [d.date, d]));
    expect(byDate.get('2024-02-11')).toMatchObject({ weekLoad: 2450, monotony: 10, strain: 24500, monotonyAlert: true });
    expect(byDate.get('2024-02-12')!.monotony).toBe(10); // 99.6 capped
    expectClose(byDate.get('2024-02-25')!.monotony, 1.492405, 'uncapped below the cap');
    expect(byDate.get('2024-03-03')).toMatchObject({ monotony: null, strain: 0 });
    expect(() => computeLoadSeries(records, { monotonyCap: 0 })).toThrow(RangeError);
  });

  it('judges the monotony alert only on the last day of the training week when told which day that is', () => {
    const records = readVector<LoadVector>('spike_week').cases[0]!.input.records;
    const sundays = computeLoadSeries(records, { weekEndsOn: 7 });
    expect(sundays.filter((d) => d.monotonyAlert).map((d) => d.date)).toEqual(['2024-04-21']);
    expect(sundays.filter((d) => d.monotonyAlert).every((d) => isoWeekday(d.date) === 7)).toBe(true);
    // A week that ends on Friday sees the spike week's Friday instead.
    const fridays = computeLoadSeries(records, { weekEndsOn: 5 });
    expect(fridays.filter((d) => d.monotonyAlert).map((d) => d.date)).toEqual(['2024-04-19']);
    // ACWR alerts do not depend on the week.
    expect(sundays.map((d) => d.acwrAlert)).toEqual(computeLoadSeries(records).map((d) => d.acwrAlert));
  });
});

describe('incremental recomputation', () => {
  function randomRecords(random: () => number): DailyLoad[] {
    const start = addDays('2023-01-01', randomInt(random, 0, 600));
    const days = randomInt(random, 1, 150);
    const records: DailyLoad[] = [];
    for (let i = 0; i < days; i++) {
      const sessions = random() < 0.35 ? 0 : randomInt(random, 1, 2);
      for (let s = 0; s < sessions; s++) {
        records.push({ date: addDays(start, i), load: randomInt(random, 10, 120) * randomInt(random, 1, 10) * (random() < 0.1 ? 0.5 : 1) });
      }
    }
    if (records.length === 0 || records[0]!.date !== start) records.unshift({ date: start, load: 60 * 5 });
    return records;
  }

  // Collects differences instead of asserting per value: thousands of expect() calls would dominate the run.
  function expectSameDays(actual: readonly LoadDay[], expected: readonly LoadDay[], message: string): void {
    const differences: string[] = [];
    if (actual.length !== expected.length) differences.push(`length ${actual.length} vs ${expected.length}`);
    actual.forEach((day, i) => {
      const full = expected[i];
      if (!full || day.date !== full.date) return void differences.push(`day ${i}: ${day.date} vs ${full?.date}`);
      for (const key of ['load', 'acute', 'chronic', 'acwr', 'tsb', 'weekLoad', 'sd', 'monotony', 'strain'] as const) {
        const [a, b] = [day[key], full[key]];
        const same = a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9;
        if (!same) differences.push(`${day.date} ${key}: ${a} vs ${b}`);
      }
      for (const key of ['warmup', 'acwrAlert', 'monotonyAlert'] as const) {
        if (day[key] !== full[key]) differences.push(`${day.date} ${key}: ${day[key]} vs ${full[key]}`);
      }
    });
    expect(differences, message).toEqual([]);
  }

  it('continuing from any stored day equals a full recompute to 1e-9 (property)', () => {
    for (const seed of SEEDS) {
      const random = mulberry32(seed);
      const records = randomRecords(random);
      const options = { weekEndsOn: randomInt(random, 1, 7) as IsoWeekday, seed: random() < 0.2 ? ('first' as const) : ('zero' as const) };
      const full = computeLoadSeries(records, options);
      const split = randomInt(random, 0, full.length - 1);
      const stored = split === 0 ? null : full[split - 1]!;
      const previousLoads = full.slice(Math.max(0, split - randomInt(random, 6, 10)), split).map((d) => d.load);
      const tail = dailyLoads(records).slice(split);
      const continued = continueLoadSeries(stored, previousLoads, tail, { ...options, seriesStart: full[0]!.date });
      expectSameDays(continued, full.slice(split), `seed ${seed}, split ${split}`);
    }
  });

  it('a run synced three weeks late rewrites the stats from its day on, and only from there', () => {
    const random = mulberry32(42);
    const dates = eachDay('2024-01-01', '2024-04-30');
    const records = dates.filter(() => random() < 0.7).map((date) => ({ date, load: randomInt(random, 150, 700) }));
    records.unshift({ date: '2024-01-01', load: 300 });
    const before = computeLoadSeries(records, { end: '2024-04-30' });
    const late = { date: '2024-04-09', load: 480 }; // arrives on 2024-04-30
    const after = computeLoadSeries([...records, late], { end: '2024-04-30' });

    const split = before.findIndex((d) => d.date === late.date);
    const stored = before[split - 1]!;
    const tail = dailyLoads([...records, late], { start: late.date, end: '2024-04-30' });
    const recomputed = continueLoadSeries(
      stored,
      before.slice(split - 6, split).map((d) => d.load),
      tail,
      { seriesStart: '2024-01-01' },
    );

    expectSameDays([...before.slice(0, split), ...recomputed], after, 'late run');
    expect(after.slice(0, split)).toEqual(before.slice(0, split));
    expect(recomputed.every((d, i) => d.acute !== before[split + i]!.acute)).toBe(true);
  });

  it('refuses a continuation that does not line up with its stored state', () => {
    const stored = { date: '2024-03-10', acute: 100, chronic: 80 };
    const six = [0, 0, 0, 0, 0, 0];
    const from = (date: string) => [{ date, load: 100 }];
    expect(() => continueLoadSeries(stored, six, from('2024-03-12'), { seriesStart: '2024-01-01' })).toThrow(/day after/);
    expect(() => continueLoadSeries(stored, six, from('2024-03-11'))).toThrow(/seriesStart/);
    expect(() => continueLoadSeries(stored, [0, 0], from('2024-03-11'), { seriesStart: '2024-01-01' })).toThrow(/need the 6/);
    expect(continueLoadSeries(stored, [0, 0], from('2024-03-11'), { seriesStart: '2024-03-09' })[0]!.weekLoad).toBeNull();
    expect(() => continueLoadSeries(stored, six, [...from('2024-03-11'), ...from('2024-03-13')], { seriesStart: '2024-01-01' })).toThrow(/consecutive/);
    expect(() => continueLoadSeries(null, [], from('2024-03-11'), { seriesStart: '2024-03-01' })).toThrow(RangeError);
    expect(continueLoadSeries(stored, six, [], { seriesStart: '2024-01-01' })).toEqual([]);
  });

  it('keeps warmup counted from the series start, not from the continuation', () => {
    const full = computeLoadSeries(eachDay('2024-01-01', '2024-02-10').map((date) => ({ date, load: 200 })));
    const split = 20;
    const continued = continueLoadSeries(
      full[split - 1]!,
      full.slice(split - 6, split).map((d) => d.load),
      full.slice(split).map(({ date, load }) => ({ date, load })),
      { seriesStart: '2024-01-01' },
    );
    expect(continued.map((d) => d.warmup)).toEqual(full.slice(split).map((d) => d.warmup));
    expect(continued.find((d) => !d.warmup)!.date).toBe('2024-01-28');
  });
});
