import { describe, expect, it } from 'vitest';
import { distanceOrNull, localDateAt, paceFromSpeed, roundOrNull, toUtcInstant, utcOffsetSecondsOf } from '#shared/domain/vendor-values';

describe("vendors' values in ours", () => {
  it('spells an instant to the whole second, so two vendors name one start alike', () => {
    expect(toUtcInstant(Date.UTC(2024, 4, 19, 9, 2, 11, 999))).toBe('2024-05-19T09:02:11Z');
  });

  it('puts an instant on the local calendar at its offset', () => {
    // 23:30 UTC is already the next day two hours east, still the same day five hours west.
    const lateEvening = Date.UTC(2024, 4, 19, 23, 30) / 1000;
    expect(localDateAt(lateEvening, 7200)).toBe('2024-05-20');
    expect(localDateAt(lateEvening, -5 * 3600)).toBe('2024-05-19');
  });

  it('reads the UTC offset of an ISO 8601 time, east positive', () => {
    expect(utcOffsetSecondsOf('2024-05-01T07:30:00+02:00')).toBe(7200);
    expect(utcOffsetSecondsOf('2024-05-01T07:30:00-03:30')).toBe(-12_600);
    expect(utcOffsetSecondsOf('2024-05-01T07:30:00Z')).toBe(0);
  });

  it('turns a speed into a pace, and a standstill into no pace', () => {
    expect(paceFromSpeed(4)).toBe(250);
    expect(paceFromSpeed(0)).toBeUndefined();
    expect(paceFromSpeed(undefined)).toBeUndefined();
  });

  it('reads a 0 distance as "not measured" and rounds heart rate and RPE to whole numbers', () => {
    expect(distanceOrNull(0)).toBeNull();
    expect(distanceOrNull(10_000)).toBe(10_000);
    expect(roundOrNull(147.6)).toBe(148);
    expect(roundOrNull(undefined)).toBeNull();
  });
});
