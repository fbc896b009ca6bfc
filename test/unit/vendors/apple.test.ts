import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { validateCandidate } from '#shared/domain/activity-candidate';
import { AppleRelay, AppleWorkout, mapAppleDaily, mapAppleWorkout } from '#shared/vendors/apple/relay';
import { appleActivityType } from '#shared/domain/vendor-activity-types';

const workout = {
  uuid: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
  activityType: 'HKWorkoutActivityTypeRunning',
  startDate: '2024-05-22T07:01:00-07:00',
  endDate: '2024-05-22T08:01:00-07:00',
  durationSeconds: 3000,
  distanceMeters: 10_000,
};
const map = (patch: Record<string, unknown> = {}) => mapAppleWorkout(AppleWorkout.parse({ ...workout, ...patch }));

const expectRejected = (input: unknown) => {
  let result: ReturnType<typeof AppleRelay.safeParse> | undefined;
  expect(() => (result = AppleRelay.safeParse(input))).not.toThrow();
  expect(result?.success).toBe(false);
  expect(result?.error).toBeInstanceOf(z.ZodError);
};

describe('Apple workout types', () => {
  it.each([
    ['HKWorkoutActivityTypeRunning', false, 'run'],
    ['running', false, 'run'],
    ['running', true, 'treadmill'],
    ['HKWorkoutActivityTypeWalking', true, 'walk'],
    ['hiking', false, 'walk'],
    ['cycling', true, 'ride'],
    ['HKWorkoutActivityTypeTraditionalStrengthTraining', false, 'strength'],
    ['functional_strength_training', false, 'strength'],
    ['swimming', false, 'cross_training'],
    ['HKWorkoutActivityTypeHighIntensityIntervalTraining', false, 'cross_training'],
    ['yoga', false, 'other'],
    ['hasOwnProperty', false, 'other'],
    ['somethingNew', false, 'other'],
  ] as const)('%s (indoor %s) -> %s', (apple, indoor, expected) => {
    expect(appleActivityType(apple, indoor)).toBe(expected);
  });
});

describe('Apple workouts', () => {
  it('reads the instant and the local date from the offset the device was in', () => {
    expect(map()).toMatchObject({ startTime: '2024-05-22T14:01:00Z', vendorLocalDate: '2024-05-22', utcOffsetSeconds: -25200 });
  });

  it('the session lasts from start to end, pauses included (durationSeconds leaves them out)', () => {
    expect(map().durationMinutes).toBe(60);
  });

  it('an end before the start is rejected with the duration named', () => {
    const candidate = map({ endDate: '2024-05-22T06:01:00-07:00' });
    expect(validateCandidate(candidate, new Date('2024-06-01T00:00:00Z'))).toMatchObject({ ok: false, field: 'durationMinutes' });
  });

  it('keeps heart-rate samples inside the workout and drops impossible ones', () => {
    const samples = [
      { time: '2024-05-22T07:00:00-07:00', bpm: 90 },
      { time: '2024-05-22T14:11:00Z', bpm: 151.6 },
      { time: '2024-05-22T07:20:00-07:00', bpm: 300 },
      { time: '2024-05-22T09:00:00-07:00', bpm: 120 },
    ];
    expect(map({ heartRateSamples: samples }).samples).toEqual([{ offsetSeconds: 600, hr: 152 }]);
  });

  it('upper-cases the UUID so one workout has one key', () => {
    expect(map({ uuid: workout.uuid.toLowerCase() }).externalId).toBe(workout.uuid);
  });
});

describe('Apple dailies', () => {
  it('stores HRV as SDNN, never as rMSSD', () => {
    const daily = mapAppleDaily({ date: '2024-05-22', hrvSdnnMs: 71.4 });
    expect(daily).toEqual({ date: '2024-05-22', hrvSdnnMs: 71.4 });
    expect(daily).not.toHaveProperty('hrvRmssd');
  });

  it('leaves out values meaning "not measured"', () => {
    expect(mapAppleDaily({ date: '2024-05-22', restingHeartRate: 0, hrvSdnnMs: 0, sleepMinutes: 2000 })).toEqual({ date: '2024-05-22' });
  });
});

describe('hostile Apple relays', () => {
  it.each<[string, unknown]>([
    ['501 workouts', { workouts: Array.from({ length: 501 }, () => workout) }],
    ['100k workouts', { workouts: Array.from({ length: 100_000 }, () => workout) }],
    [
      '20,001 heart-rate samples',
      { workouts: [{ ...workout, heartRateSamples: Array.from({ length: 20_001 }, () => ({ time: workout.startDate, bpm: 100 })) }] },
    ],
    ['401 dailies', { workouts: [], dailies: Array.from({ length: 401 }, () => ({ date: '2024-05-22' })) }],
    ['a date without an offset', { workouts: [{ ...workout, startDate: '2024-05-22T07:01:00' }] }],
    ['a 1 MB activity type', { workouts: [{ ...workout, activityType: 'x'.repeat(1_000_000) }] }],
    ['a uuid that is not one', { workouts: [{ ...workout, uuid: 'not-a-uuid' }] }],
    ['a duration written as a string', { workouts: [{ ...workout, durationSeconds: '3000' }] }],
    ['a heart rate written as a string', { workouts: [{ ...workout, avgHeartRate: '150' }] }],
    ['deep nesting where a workout belongs', { workouts: [nested(10_000)] }],
    ['a 10 MB string body', 'x'.repeat(10_000_000)],
    ['a workout list that is null', { workouts: null }],
  ])('rejects %s with a ZodError', (_, input) => expectRejected(input));

  it('a relay with only dailies is fine', () => {
    expect(AppleRelay.parse({ dailies: [{ date: '2024-05-22', sleepMinutes: 400 }] }).workouts).toEqual([]);
  });
});

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
