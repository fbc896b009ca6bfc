import { describe, expect, it } from 'vitest';
import { acwrAlertRaised, monotonyAlertRaised, riskAlerts } from '#shared/domain/alerts';
import { addDays, eachDay, isoWeekday, lastDayOfWeek, type IsoWeekday } from '#shared/domain/dates';
import { computeLoadSeries, type DailyLoad } from '#shared/domain/load';
import { expectClose, readVector } from './support';

const vectorRecords = (file: string) => readVector<{ cases: { input: { records: DailyLoad[] } }[] }>(file).cases[0]!.input.records;

describe('risk alerts', () => {
  it('raise ACWR alerts on the spike week with the numbers behind them', () => {
    const alerts = riskAlerts(computeLoadSeries(vectorRecords('spike_week'), { weekEndsOn: 7 }));
    const acwr = alerts.filter((a) => a.kind === 'acwr');
    expect(acwr.map((a) => a.date)).toEqual(['2024-04-18', '2024-04-19', '2024-04-20']);
    const last = acwr[2]!;
    if (last.kind !== 'acwr') throw new Error('unreachable');
    expectClose(last.values.acwr, 1.60614, 'acwr');
    expectClose(last.values.acute, 708.810485, 'acute');
    expectClose(last.values.chronic, 441.313083, 'chronic');
  });

  it('raise the monotony alert once, on the last day of the training week', () => {
    const alerts = riskAlerts(computeLoadSeries(vectorRecords('spike_week'), { weekEndsOn: lastDayOfWeek(1) }));
    const monotony = alerts.filter((a) => a.kind === 'monotony');
    expect(monotony).toHaveLength(1);
    expect(monotony[0]).toMatchObject({ kind: 'monotony', date: '2024-04-21' });
    const values = monotony[0]!.values as { monotony: number; weekLoad: number; strain: number; sd: number };
    expectClose(values.monotony, 4.907477, 'monotony');
    expectClose(values.strain, 25028.134169, 'strain');
    expect(values.weekLoad).toBe(5100);
    expectClose(values.sd, 5100 / 7 / 4.907477, 'sd', 1e-4);
  });

  it("move the weekly monotony judgement with the user's week start", () => {
    // Six identical days and one rest: monotony √6 = 2.449 on every window that holds all seven days.
    const records = eachDay('2024-01-01', '2024-03-31')
      .filter((date) => isoWeekday(date) !== 3)
      .map((date) => ({ date, load: 300 }));
    for (const weekStartDay of [1, 2, 3, 4, 5, 6, 7] as IsoWeekday[]) {
      const weekEndsOn = lastDayOfWeek(weekStartDay);
      const series = computeLoadSeries(records, { weekEndsOn });
      const raised = riskAlerts(series).filter((a) => a.kind === 'monotony');
      expect(raised.length, `week starting ${weekStartDay}`).toBeGreaterThan(10);
      expect(
        raised.every((a) => isoWeekday(a.date) === weekEndsOn),
        `week starting ${weekStartDay}`,
      ).toBe(true);
      // Every other day of the week would have alerted on its own rolling window too.
      const everyDay = computeLoadSeries(records).filter((d) => d.monotonyAlert);
      expect(everyDay.length).toBeGreaterThan(6 * raised.length);
    }
  });

  it('stay quiet during the 28-day warmup however high the ratio', () => {
    const series = computeLoadSeries(vectorRecords('steady_state'));
    expect(series[0]!.acwr).toBe(3.625);
    expectClose(series[14]!.acwr, 1.500275, 'day 15 ACWR');
    expect(riskAlerts(series).some((a) => a.kind === 'acwr')).toBe(false);
  });

  it('alert on the first runs back after a long break, once warmup is over', () => {
    const base = eachDay('2024-01-01', '2024-02-29').map((date) => ({ date, load: 300 }));
    const comeback = eachDay('2024-05-01', '2024-05-03').map((date) => ({ date, load: 300 }));
    const alerts = riskAlerts(computeLoadSeries([...base, ...comeback]));
    expect(alerts.filter((a) => a.kind === 'acwr').map((a) => a.date)).toContain('2024-05-01');
  });

  it('need ACWR strictly above 1.5 and a known ratio', () => {
    expect(acwrAlertRaised({ acwr: 1.5, warmup: false })).toBe(false);
    expect(acwrAlertRaised({ acwr: 1.5000001, warmup: false })).toBe(true);
    expect(acwrAlertRaised({ acwr: 1.6, warmup: true })).toBe(false);
    expect(acwrAlertRaised({ acwr: null, warmup: false })).toBe(false);
  });

  it('treat identical loaded days as monotonous and an empty week as nothing', () => {
    const sunday = '2024-01-07';
    expect(monotonyAlertRaised({ date: sunday, weekLoad: 2100, monotony: null, sd: 0 }, 7)).toBe(true);
    expect(monotonyAlertRaised({ date: sunday, weekLoad: 0, monotony: null, sd: 0 }, 7)).toBe(false);
    expect(monotonyAlertRaised({ date: sunday, weekLoad: 2100, monotony: 2.0, sd: 150 }, 7)).toBe(false);
    expect(monotonyAlertRaised({ date: sunday, weekLoad: 2100, monotony: 2.01, sd: 149 }, 7)).toBe(true);
    expect(monotonyAlertRaised({ date: addDays(sunday, -1), weekLoad: 2100, monotony: 2.01, sd: 149 }, 7)).toBe(false);
    expect(monotonyAlertRaised({ date: sunday, weekLoad: null, monotony: null, sd: null })).toBe(false);
  });

  it('carry SD 0 and no monotony figure when the week was identical', () => {
    const series = computeLoadSeries(
      eachDay('2024-01-01', '2024-01-07').map((date) => ({ date, load: 350 })),
      { weekEndsOn: 7 },
    );
    expect(riskAlerts(series)).toEqual([{ kind: 'monotony', date: '2024-01-07', values: { monotony: null, weekLoad: 2450, strain: null, sd: 0 } }]);
  });

  it('raise at most one alert per kind and day', () => {
    const series = computeLoadSeries(vectorRecords('spike_week'), { weekEndsOn: 7 });
    const twice = riskAlerts([...series, ...series]);
    expect(twice).toEqual(riskAlerts(series));
    const keys = twice.map((a) => `${a.kind} ${a.date}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
