import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  eachDay,
  fromEpochDay,
  isoWeekday,
  isValidDate,
  isValidTimeZone,
  lastDayOfWeek,
  localDateOf,
  toEpochDay,
} from '#shared/domain/dates';
import { SEEDS, mulberry32, randomInt } from './support';

describe('calendar dates', () => {
  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('1970-01-01', -1)).toBe('1969-12-31');
    expect(addDays('0001-01-01', 0)).toBe('0001-01-01');
  });

  it('counts a DST day as one day in both directions and both hemispheres of the Atlantic', () => {
    // Europe/Paris springs forward on 2024-03-31 and falls back on 2024-10-27; New York on 03-10 and 11-03.
    for (const [before, after] of [
      ['2024-03-30', '2024-04-01'],
      ['2024-10-26', '2024-10-28'],
      ['2024-03-09', '2024-03-11'],
      ['2024-11-02', '2024-11-04'],
    ] as const) {
      expect(daysBetween(before, after)).toBe(2);
      expect(eachDay(before, after)).toHaveLength(3);
    }
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2024-01-02', '2024-01-01')).toBe(-1);
  });

  it('lists every day of a range, and nothing when the range is reversed', () => {
    expect(eachDay('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(eachDay('2024-03-01', '2024-02-27')).toEqual([]);
  });

  it('names ISO weekdays, Monday 1 to Sunday 7, before and after 1970', () => {
    expect(isoWeekday('2024-01-01')).toBe(1);
    expect(isoWeekday('2024-04-21')).toBe(7);
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(isoWeekday('1969-12-31')).toBe(3);
    expect(isoWeekday('1900-01-01')).toBe(1);
  });

  it('ends a training week the day before the next one starts', () => {
    expect(lastDayOfWeek(1)).toBe(7);
    expect(lastDayOfWeek(7)).toBe(6);
    expect(lastDayOfWeek(2)).toBe(1);
    expect(() => lastDayOfWeek(0 as never)).toThrow(RangeError);
  });

  it('rejects strings that are not calendar dates', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-1-01', '2024-01-01T00:00:00Z', '', ' 2024-01-01']) {
      expect(isValidDate(bad), bad).toBe(false);
      expect(() => toEpochDay(bad), bad).toThrow(RangeError);
    }
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(() => addDays('2024-01-01', 0.5)).toThrow(RangeError);
    expect(() => fromEpochDay(1.5)).toThrow(RangeError);
  });

  it('agrees with UTC Date arithmetic on random dates (property)', () => {
    for (const seed of SEEDS) {
      const random = mulberry32(seed);
      const epochDay = randomInt(random, -200_000, 200_000);
      const date = fromEpochDay(epochDay);
      const n = randomInt(random, -5000, 5000);
      const message = `seed ${seed}: ${date} + ${n}`;
      expect(toEpochDay(date), message).toBe(epochDay);
      expect(new Date(epochDay * 86_400_000).toISOString().slice(0, 10), message).toBe(date);
      expect(daysBetween(date, addDays(date, n)), message).toBe(n);
      expect((((isoWeekday(addDays(date, n)) - isoWeekday(date) - n) % 7) + 7) % 7, message).toBe(0);
    }
  });
});

describe('local date of an instant', () => {
  it('keeps a session that starts at 23:30 local on its start date', () => {
    expect(localDateOf('2024-06-14T21:30:00Z', 'Europe/Paris')).toBe('2024-06-14'); // 23:30 CEST
    expect(localDateOf('2024-06-15T03:30:00Z', 'America/New_York')).toBe('2024-06-14'); // 23:30 EDT
    expect(localDateOf('2024-06-14T23:30:00+02:00', 'Europe/Paris')).toBe('2024-06-14');
  });

  it('follows Paris through both DST changes', () => {
    expect(localDateOf('2024-03-30T22:59:59Z', 'Europe/Paris')).toBe('2024-03-30'); // 23:59:59 CET
    expect(localDateOf('2024-03-30T23:00:00Z', 'Europe/Paris')).toBe('2024-03-31'); // 00:00 CET
    expect(localDateOf('2024-03-31T21:59:59Z', 'Europe/Paris')).toBe('2024-03-31'); // 23:59:59 CEST, a 23 h day
    expect(localDateOf('2024-03-31T22:00:00Z', 'Europe/Paris')).toBe('2024-04-01');
    expect(localDateOf('2024-10-26T21:59:59Z', 'Europe/Paris')).toBe('2024-10-26'); // 23:59:59 CEST
    expect(localDateOf('2024-10-27T22:59:59Z', 'Europe/Paris')).toBe('2024-10-27'); // 23:59:59 CET, a 25 h day
    expect(localDateOf('2024-10-27T23:00:00Z', 'Europe/Paris')).toBe('2024-10-28');
  });

  it('follows New York through both DST changes', () => {
    expect(localDateOf('2024-03-10T04:59:59Z', 'America/New_York')).toBe('2024-03-09'); // 23:59:59 EST
    expect(localDateOf('2024-03-11T03:59:59Z', 'America/New_York')).toBe('2024-03-10'); // 23:59:59 EDT, a 23 h day
    expect(localDateOf('2024-03-11T04:00:00Z', 'America/New_York')).toBe('2024-03-11');
    expect(localDateOf('2024-11-04T04:59:59Z', 'America/New_York')).toBe('2024-11-03'); // 23:59:59 EST, a 25 h day
    expect(localDateOf('2024-11-04T05:00:00Z', 'America/New_York')).toBe('2024-11-04');
  });

  it('gives consecutive days to a 07:00 run every morning across the spring-forward week', () => {
    // Successive instants are 24 h apart except across the change (23 h); counting by dates still gives 1 per day.
    const paris = ['2024-03-29T06:00:00Z', '2024-03-30T06:00:00Z', '2024-03-31T05:00:00Z', '2024-04-01T05:00:00Z'];
    const newYork = ['2024-03-09T12:00:00Z', '2024-03-10T11:00:00Z', '2024-03-11T11:00:00Z'];
    const parisDates = paris.map((t) => localDateOf(t, 'Europe/Paris'));
    const newYorkDates = newYork.map((t) => localDateOf(t, 'America/New_York'));
    expect(parisDates).toEqual(eachDay('2024-03-29', '2024-04-01'));
    expect(newYorkDates).toEqual(eachDay('2024-03-09', '2024-03-11'));
    const hours = (Date.parse(paris[3]!) - Date.parse(paris[0]!)) / 3_600_000;
    expect(hours).toBe(71); // why (t2 - t1) / 24 h must never count days
    expect(daysBetween(parisDates[0]!, parisDates[3]!)).toBe(3);
  });

  it('puts one instant on different dates at the two ends of the world', () => {
    const instant = new Date('2024-01-01T10:30:00Z');
    expect(localDateOf(instant, 'Pacific/Kiritimati')).toBe('2024-01-02'); // UTC+14
    expect(localDateOf(instant, 'Pacific/Pago_Pago')).toBe('2023-12-31'); // UTC-11
    expect(localDateOf(instant, 'UTC')).toBe('2024-01-01');
  });

  it('refuses instants without an offset and unknown zones', () => {
    expect(() => localDateOf('2024-03-31T02:30:00', 'Europe/Paris')).toThrow(RangeError);
    expect(() => localDateOf('2024-03-31', 'Europe/Paris')).toThrow(RangeError);
    expect(() => localDateOf(new Date(Number.NaN), 'Europe/Paris')).toThrow(RangeError);
    expect(() => localDateOf('2024-03-31T02:30:00Z', 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
