import { describe, expect, it } from 'vitest';
import { type ActivityCandidate, normaliseSamples, validateCandidate } from '#shared/domain/activity-candidate';
import { type DuplicateProbe, isCrossSourceDuplicate } from '#shared/domain/cross-source-duplicates';

const NOW = new Date('2024-06-01T12:00:00Z');

const run: ActivityCandidate = {
  source: 'garmin',
  externalId: '1',
  type: 'run',
  startTime: '2024-05-31T07:00:00Z',
  durationMinutes: 50,
  distanceMeters: 10_000,
  avgHr: 150,
  maxHr: 175,
  elevationGainMeters: 80,
  rpe: 6,
  vendorLocalDate: '2024-05-31',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: null,
};
const withValues = (patch: Partial<ActivityCandidate>): ActivityCandidate => ({ ...run, ...patch });

describe('validateCandidate: impossible values never become activities', () => {
  it('accepts a plausible run', () => {
    expect(validateCandidate(run, NOW)).toEqual({ ok: true });
  });

  it.each<[string, Partial<ActivityCandidate>, string]>([
    ['a duration of zero', { durationMinutes: 0 }, 'durationMinutes'],
    ['a negative duration', { durationMinutes: -5 }, 'durationMinutes'],
    ['a duration over 24 h', { durationMinutes: 24 * 60 + 1 }, 'durationMinutes'],
    ['a duration that is not a number', { durationMinutes: Number.NaN }, 'durationMinutes'],
    ['an average heart rate under 25', { avgHr: 24 }, 'avgHr'],
    ['an average heart rate over 250', { avgHr: 251, maxHr: 251 }, 'avgHr'],
    ['a maximum heart rate under 25', { avgHr: null, maxHr: 20 }, 'maxHr'],
    ['a maximum heart rate over 250', { maxHr: 260 }, 'maxHr'],
    ['an average heart rate above the maximum', { avgHr: 170, maxHr: 160 }, 'avgHr'],
    ['a run faster than 2:30/km', { distanceMeters: 10_000, durationMinutes: 20 }, 'distanceMeters'],
    ['a treadmill run faster than 2:30/km', { type: 'treadmill', distanceMeters: 10_000, durationMinutes: 24 }, 'distanceMeters'],
    ['a race faster than 2:30/km', { type: 'race', distanceMeters: 5_000, durationMinutes: 12 }, 'distanceMeters'],
    ['a start in the future', { startTime: '2024-06-01T13:00:00Z' }, 'startTime'],
    ['a start that is not a date', { startTime: 'yesterday' }, 'startTime'],
    ['a negative distance', { distanceMeters: -1 }, 'distanceMeters'],
    ['a distance over 1000 km', { distanceMeters: 1_000_001, type: 'ride' }, 'distanceMeters'],
    ['a negative elevation gain', { elevationGainMeters: -3 }, 'elevationGainMeters'],
    ['an RPE over 10', { rpe: 11 }, 'rpe'],
    ['an RPE under 1', { rpe: 0 }, 'rpe'],
    ['a UTC offset no zone has', { utcOffsetSeconds: 20 * 3600 }, 'utcOffsetSeconds'],
  ])('rejects %s, naming the field', (_, patch, field) => {
    const verdict = validateCandidate(withValues(patch), NOW);
    expect(verdict).toMatchObject({ ok: false, field });
    expect(verdict.ok === false && verdict.reason.length).toBeGreaterThan(10);
  });

  it('tells the user the pace that gave the run away', () => {
    const verdict = validateCandidate(withValues({ distanceMeters: 10_000, durationMinutes: 20 }), NOW);
    expect(verdict).toEqual({
      ok: false,
      field: 'distanceMeters',
      reason: '10000 m in 20 min is a pace of 2:00/km, faster than the 2:30/km possible for a run.',
    });
  });

  it.each<[string, Partial<ActivityCandidate>]>([
    ['exactly 24 h', { durationMinutes: 24 * 60, distanceMeters: 100_000 }],
    ['a run at exactly 2:30/km', { distanceMeters: 10_000, durationMinutes: 25 }],
    ['a ride at 50 km/h (the pace rule is for runs)', { type: 'ride', distanceMeters: 50_000, durationMinutes: 60 }],
    ['a walk with no distance', { type: 'walk', distanceMeters: null }],
    ['a treadmill run with no distance', { type: 'treadmill', distanceMeters: null }],
    ['a run without heart rate', { avgHr: null, maxHr: null }],
    ['heart rates at 25 and 250', { avgHr: 25, maxHr: 250 }],
    ['an average equal to the maximum', { avgHr: 160, maxHr: 160 }],
    ['a manual entry logged on a phone a minute fast', { startTime: '2024-06-01T12:01:00Z', source: 'manual' }],
    ['no RPE yet', { rpe: null }],
  ])('accepts %s', (_, patch) => {
    expect(validateCandidate(withValues(patch), NOW)).toEqual({ ok: true });
  });
});

describe('isCrossSourceDuplicate: one session delivered by two sources counts once', () => {
  const garmin: DuplicateProbe = { source: 'garmin', startTime: '2024-05-19T09:02:11Z', durationMinutes: 100 };
  const at = (startTime: string, durationMinutes = 100, source: DuplicateProbe['source'] = 'strava'): DuplicateProbe => ({
    source,
    startTime,
    durationMinutes,
  });

  it.each<[string, DuplicateProbe, boolean]>([
    ['same start and duration', at('2024-05-19T09:02:11Z'), true],
    ['starts 2 minutes apart', at('2024-05-19T09:04:11Z'), true],
    ['starts 2 minutes 1 second apart', at('2024-05-19T09:04:12Z'), false],
    ['starts 2 minutes earlier', at('2024-05-19T09:00:11Z'), true],
    ['durations 5% apart', at('2024-05-19T09:02:11Z', 95), true],
    ['durations just over 5% apart', at('2024-05-19T09:02:11Z', 94.9), false],
    ['the same source twice (an update, not a duplicate)', at('2024-05-19T09:02:11Z', 100, 'garmin'), false],
    ['a manual entry of the same run', at('2024-05-19T09:03:00Z', 98, 'manual'), true],
    ['an evening session the same day', at('2024-05-19T18:02:11Z'), false],
  ])('%s -> %s', (_, other, expected) => {
    expect(isCrossSourceDuplicate(garmin, other)).toBe(expected);
    expect(isCrossSourceDuplicate(other, garmin)).toBe(expected);
  });

  it('compares with a stored activity whose start is a Date', () => {
    expect(isCrossSourceDuplicate(garmin, { source: 'apple', startTime: new Date('2024-05-19T09:03:00Z'), durationMinutes: 101 })).toBe(true);
  });

  it('never matches on an unreadable start', () => {
    expect(isCrossSourceDuplicate(garmin, at('not a date'))).toBe(false);
  });
});

describe('normaliseSamples', () => {
  it('drops glitched values one by one, keeps one sample a second, in time order', () => {
    expect(
      normaliseSamples(
        [
          { offsetSeconds: 10, hr: 300, cadence: 170 },
          { offsetSeconds: 5, hr: 140.4, paceSecondsPerKm: 5 },
          { offsetSeconds: 5, hr: 141, power: 250 },
          { offsetSeconds: 7, hr: 10 },
          { offsetSeconds: 9000, hr: 150 },
          { offsetSeconds: -1, hr: 150 },
        ],
        3600,
      ),
    ).toEqual([
      { offsetSeconds: 5, hr: 141, power: 250 },
      { offsetSeconds: 10, cadence: 170 },
    ]);
  });

  it('drops a pace of 10 s/km (100 m/s, more than the store takes) and keeps one just slower', () => {
    expect(
      normaliseSamples([
        { offsetSeconds: 0, paceSecondsPerKm: 10 },
        { offsetSeconds: 1, paceSecondsPerKm: 10.5 },
      ]),
    ).toEqual([{ offsetSeconds: 1, paceSecondsPerKm: 10.5 }]);
  });
});
