import { describe, expect, it } from 'vitest';
import { addDays, eachDay } from '#shared/domain/dates';
import {
  assessReadiness,
  baselines,
  hrvStatus,
  lastRpeBefore,
  sleepIndex,
  type CheckIn,
  type DailyPhysiology,
  type HrvReading,
  type ReadinessInput,
} from '#shared/domain/readiness';
import { SEEDS, expectClose, mulberry32, readVector } from './support';

interface HrvRow {
  date: string;
  ln_rmssd: number | null;
  baseline_7d: number | null;
  normal_mean_60d: number | null;
  normal_sd_60d: number | null;
  swc_lower: number | null;
  swc_upper: number | null;
  daily_floor: number | null;
  status: string;
  reasons: string[];
}
interface HrvVector {
  cases: { name: string; input: { records: HrvReading[] }; expected: HrvRow[]; summary: Record<string, number> }[];
}

const hrvCase = readVector<HrvVector>('hrv_baseline').cases[0]!;
const FIELDS = {
  ln_rmssd: 'lnRmssd',
  baseline_7d: 'baseline7d',
  normal_mean_60d: 'normalMean60d',
  normal_sd_60d: 'normalSd60d',
  swc_lower: 'swcLower',
  swc_upper: 'swcUpper',
  daily_floor: 'dailyFloor',
} as const;

describe('HRV status against the reference vector', () => {
  it.each(hrvCase.expected.map((row) => [row.date, row] as const))('%s', (date, row) => {
    const actual = hrvStatus(hrvCase.input.records, date);
    for (const [key, field] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
      expectClose(actual[field], row[key], `${date} ${key}`);
    }
    expect(actual.status).toBe(row.status);
    expect(actual.reasons).toEqual(row.reasons);
  });

  it('gives the summary counts of the fatigue-block case', () => {
    const counts: Record<string, number> = { green: 0, yellow: 0, red: 0, unknown: 0 };
    for (const row of hrvCase.expected) counts[hrvStatus(hrvCase.input.records, row.date).status]! += 1;
    expect(counts).toEqual(hrvCase.summary);
  });

  it('does not depend on the order of the series, and refuses bad readings', () => {
    const shuffled = [...hrvCase.input.records].reverse();
    expect(hrvStatus(shuffled, '2024-03-17')).toEqual(hrvStatus(hrvCase.input.records, '2024-03-17'));
    expect(() => hrvStatus([{ date: '2024-01-01', rmssd: 0 }], '2024-01-01')).toThrow(RangeError);
    expect(() =>
      hrvStatus(
        [
          { date: '2024-01-01', rmssd: 50 },
          { date: '2024-01-01', rmssd: null },
        ],
        '2024-01-01',
      ),
    ).toThrow(/more than one/);
  });
});

describe('sleep index', () => {
  it('is hours × quality, 0-100', () => {
    expect(sleepIndex(480, 7)).toBe(56);
    expect(sleepIndex(450, 8)).toBe(60);
    expect(sleepIndex(600, 10)).toBe(100);
    expect(sleepIndex(720, 10)).toBe(100);
    expect(Object.is(sleepIndex(-0, 5), 0)).toBe(true);
    expect(() => sleepIndex(-1, 5)).toThrow(RangeError);
    expect(() => sleepIndex(480, 11)).toThrow(RangeError);
    expect(() => sleepIndex(Number.NaN, 5)).toThrow(RangeError);
  });
});

describe('physiological baselines for the profile', () => {
  const days = (from: string, to: string, make: (i: number) => Omit<DailyPhysiology, 'date'>): DailyPhysiology[] =>
    eachDay(from, to).map((date, i) => ({ date, ...make(i) }));

  it('average the 60 days ending on the given date: mean resting HR, geometric mean rMSSD', () => {
    const history = [
      ...days('2024-01-01', '2024-01-31', () => ({ restingHr: 70, rmssd: 20 })), // too old: ignored
      ...days('2024-02-01', '2024-03-31', (i) => ({ restingHr: i % 2 === 0 ? 50 : 53, rmssd: i % 2 === 0 ? 40 : 90 })),
    ];
    const result = baselines(history, '2024-03-31');
    expect(result.restingHr).toBe(51.5);
    expectClose(result.hrvRmssdMs, 60, 'geometric mean of 40 and 90', 1e-9);
  });

  it('need 14 readings in the window before they replace the profile value', () => {
    const sparse = days('2024-03-01', '2024-03-31', (i) => (i % 3 === 0 ? { restingHr: 48, rmssd: 70 } : { restingHr: null }));
    expect(sparse.filter((d) => d.restingHr !== null)).toHaveLength(11);
    expect(baselines(sparse, '2024-03-31')).toEqual({ restingHr: null, hrvRmssdMs: null });
    const enough = days('2024-03-01', '2024-03-14', () => ({ restingHr: 48, rmssd: 70 }));
    expect(baselines(enough, '2024-03-31')).toEqual({ restingHr: 48, hrvRmssdMs: expect.closeTo(70, 9) });
  });
});

describe('readiness light', () => {
  const today = '2024-04-10';
  // Sixty calm days ending yesterday: resting HR around 50, rMSSD around 60 ms, and a normal reading today.
  const calmHistory = (todayValues: Omit<DailyPhysiology, 'date'> = { restingHr: 50, rmssd: 60 }): DailyPhysiology[] => {
    const random = mulberry32(7);
    return [
      ...eachDay(addDays(today, -60), addDays(today, -1)).map((date) => ({
        date,
        restingHr: 49 + Math.round(random() * 2),
        rmssd: 60 * Math.exp((random() - 0.5) * 0.2),
      })),
      { date: today, ...todayValues },
    ];
  };
  const goodCheckIn: CheckIn = { sleepMinutes: 480, sleepQuality: 7, soreness: 3, morningReadiness: 7, stress: 3 };
  const assess = (overrides: Partial<ReadinessInput> = {}, checkIn: Partial<CheckIn> = {}) =>
    assessReadiness({ today, physiology: calmHistory(), lastActivityRpe: 6, ...overrides, checkIn: { ...goodCheckIn, ...checkIn } });
  const codes = (result: ReturnType<typeof assessReadiness>) => result.reasons.map((r) => r.code);

  it('is green with nothing to report', () => {
    expect(assess()).toEqual({ light: 'green', reasons: [] });
  });

  it.each([
    [{ sleepMinutes: 350 }, 'short_sleep', 'Slept under 6 hours'],
    [{ sleepQuality: 3 }, 'poor_sleep_quality', 'Sleep quality was poor'],
    [{ soreness: 7 }, 'sore', 'Muscles are sore'],
    [{ morningReadiness: 3 }, 'not_feeling_ready', "You don't feel ready to train this morning"],
    [{ stress: 8 }, 'high_stress', 'Stress is high'],
  ] as const)('turns yellow on one flag: %o', (checkIn, code, message) => {
    expect(assess({}, checkIn)).toEqual({ light: 'yellow', reasons: [{ code, message, severity: 'flag' }] });
  });

  it('stays green just inside each threshold', () => {
    expect(assess({ lastActivityRpe: 8 }, { sleepMinutes: 360, sleepQuality: 4, soreness: 6, morningReadiness: 4, stress: 7 }).light).toBe('green');
  });

  it('turns yellow after a very hard last session', () => {
    expect(assess({ lastActivityRpe: 9 })).toEqual({
      light: 'yellow',
      reasons: [{ code: 'hard_last_session', message: 'Your last session was very hard', severity: 'flag' }],
    });
  });

  it('turns red on three flagged items', () => {
    const result = assess({ lastActivityRpe: 9 }, { soreness: 7, stress: 8 });
    expect(result.light).toBe('red');
    expect(codes(result)).toEqual(['sore', 'high_stress', 'hard_last_session']);
  });

  it('counts short and poor sleep as one item', () => {
    const result = assess({}, { sleepMinutes: 300, sleepQuality: 2, stress: 9 });
    expect(result.light).toBe('yellow');
    expect(codes(result)).toEqual(['short_sleep', 'poor_sleep_quality', 'high_stress']);
  });

  it.each([
    [{ sleepMinutes: 260 }, 'very_short_sleep', 'Slept under 4 and a half hours'],
    [{ soreness: 9 }, 'very_sore', 'Muscles are very sore'],
  ] as const)('turns red on one strong flag: %o', (checkIn, code, message) => {
    expect(assess({}, checkIn)).toEqual({ light: 'red', reasons: [{ code, message, severity: 'strong' }] });
  });

  it('flags a resting heart rate 5 bpm above usual, and makes 10 bpm above a strong flag', () => {
    const usual = baselines(calmHistory(), addDays(today, -1)).restingHr!;
    const withRestingHr = (restingHr: number) => assess({ physiology: calmHistory({ restingHr, rmssd: 60 }) });
    expect(withRestingHr(Math.ceil(usual + 4.01)).light).toBe('green');
    expect(withRestingHr(Math.ceil(usual + 5))).toEqual({
      light: 'yellow',
      reasons: [{ code: 'resting_hr_high', message: 'Resting heart rate is 5 bpm or more above your usual', severity: 'flag' }],
    });
    expect(withRestingHr(Math.ceil(usual + 10))).toEqual({
      light: 'red',
      reasons: [{ code: 'resting_hr_very_high', message: 'Resting heart rate is 10 bpm or more above your usual', severity: 'strong' }],
    });
  });

  it('takes HRV red from the reference vector as a strong flag', () => {
    const physiology = hrvCase.input.records.map((r) => ({ date: r.date, rmssd: r.rmssd }));
    const result = assessReadiness({ today: '2024-03-17', physiology, checkIn: goodCheckIn });
    expect(result.light).toBe('red');
    expect(result.reasons[0]).toEqual({
      code: 'hrv_low',
      message: 'Heart rate variability is well below your normal range',
      severity: 'strong',
    });
  });

  it('makes HRV yellow a yellow light that does not count towards three flags', () => {
    const physiology = hrvCase.input.records.map((r) => ({ date: r.date, rmssd: r.rmssd }));
    const yellowDay = assessReadiness({ today: '2024-01-23', physiology, checkIn: goodCheckIn });
    expect(yellowDay.light).toBe('yellow');
    expect(codes(yellowDay)).toContain('hrv_today_low');
    const withTwoFlags = assessReadiness({ today: '2024-01-23', physiology, checkIn: { ...goodCheckIn, soreness: 7, stress: 8 } });
    expect(withTwoFlags.light).toBe('yellow');
    const trendDay = assessReadiness({ today: '2024-02-09', physiology, checkIn: goodCheckIn });
    expect(codes(trendDay)).toContain('hrv_week_low');
  });

  it('lists HRV above normal as information only', () => {
    const physiology = hrvCase.input.records.map((r) => ({ date: r.date, rmssd: r.rmssd }));
    const result = assessReadiness({ today: '2024-01-18', physiology, checkIn: goodCheckIn });
    expect(result.light).toBe('green');
    expect(result.reasons.find((r) => r.code === 'hrv_week_high')?.severity).toBe('info');
  });

  it('says "not enough data" in reasons and stays green when nothing is known', () => {
    const result = assessReadiness({ today, physiology: [], checkIn: {} });
    expect(result.light).toBe('green');
    expect(result.reasons.every((r) => r.severity === 'info')).toBe(true);
    expect(codes(result)).toEqual(['hrv_no_reading', 'resting_hr_no_reading', 'no_check_in']);
    const newUser = assessReadiness({ today, physiology: [{ date: today, restingHr: 52, rmssd: 55 }], checkIn: goodCheckIn });
    expect(newUser.light).toBe('green');
    expect(codes(newUser)).toEqual(['hrv_not_enough_data', 'resting_hr_not_enough_data']);
  });

  it('refuses answers outside their scales', () => {
    expect(() => assess({}, { soreness: 11 })).toThrow(RangeError);
    expect(() => assess({}, { sleepMinutes: 2000 })).toThrow(RangeError);
    expect(() => assess({ lastActivityRpe: 12 })).toThrow(RangeError);
  });

  it('is red whenever a strong flag is present and never green with a flag (property)', () => {
    for (const seed of SEEDS) {
      const random = mulberry32(seed);
      const maybe = (max: number) => (random() < 0.2 ? null : 1 + Math.floor(random() * max));
      const checkIn: CheckIn = {
        sleepMinutes: random() < 0.2 ? null : Math.floor(random() * 600),
        sleepQuality: maybe(10),
        soreness: maybe(10),
        morningReadiness: maybe(10),
        stress: maybe(10),
      };
      const result = assessReadiness({ today, physiology: calmHistory(), checkIn, lastActivityRpe: maybe(10) });
      const severities = new Set(result.reasons.map((r) => r.severity));
      const message = `seed ${seed}: ${JSON.stringify(result)}`;
      if (severities.has('strong')) expect(result.light, message).toBe('red');
      if (severities.has('flag')) expect(result.light, message).not.toBe('green');
      if (!severities.has('flag') && !severities.has('strong')) expect(result.light, message).toBe('green');
      expect(
        result.reasons.every((r) => r.message.length > 0),
        message,
      ).toBe(true);
    }
  });
});

describe('last RPE before today', () => {
  it('takes the latest activity on an earlier local date, even if its RPE is missing', () => {
    const activities = [
      { localDate: '2024-04-08', startTime: '2024-04-08T06:00:00Z', rpe: 5 },
      { localDate: '2024-04-09', startTime: '2024-04-09T21:30:00-04:00', rpe: 9 }, // 23:30 local
      { localDate: '2024-04-09', startTime: '2024-04-09T10:00:00Z', rpe: 4 },
      { localDate: '2024-04-10', startTime: '2024-04-10T06:00:00Z', rpe: 10 }, // today: not yet "last"
    ];
    expect(lastRpeBefore(activities, '2024-04-10')).toBe(9);
    expect(lastRpeBefore([...activities, { localDate: '2024-04-09', startTime: new Date('2024-04-10T03:00:00Z'), rpe: null }], '2024-04-10')).toBeNull();
    expect(lastRpeBefore([], '2024-04-10')).toBeNull();
  });
});
