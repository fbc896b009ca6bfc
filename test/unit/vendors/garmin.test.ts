import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  GarminPush,
  garminPermissionChanges,
  garminSleepMinutes,
  garminSleepQuality,
  mapGarminActivities,
  mapGarminWellness,
} from '#shared/vendors/garmin/push';
import { garminActivityType } from '#shared/domain/vendor-activity-types';

const USER = 'garmin-user-1';
const START = 1716109331;
const summary = {
  userId: USER,
  summaryId: '13012345678',
  activityId: 13012345678,
  activityType: 'RUNNING',
  startTimeInSeconds: START,
  startTimeOffsetInSeconds: 7200,
  durationInSeconds: 3391,
  distanceInMeters: 12043.7,
};
const detail = {
  userId: USER,
  summaryId: '13012345678-detail',
  activityId: 13012345678,
  summary: { ...summary, userId: undefined, summaryId: undefined },
  samples: [
    { startTimeInSeconds: START, heartRate: 95, speedMetersPerSecond: 0 },
    { startTimeInSeconds: START + 60, heartRate: 150, speedMetersPerSecond: 3.2, stepsPerMinute: 172, powerInWatts: 280 },
    { startTimeInSeconds: START + 61, heartRate: 0 },
    { startTimeInSeconds: START + 9999, heartRate: 150 },
  ],
};
const sleep = { userId: USER, summaryId: 's', calendarDate: '2024-05-20' };

const expectRejected = (input: unknown) => {
  let result: ReturnType<typeof GarminPush.safeParse> | undefined;
  expect(() => (result = GarminPush.safeParse(input))).not.toThrow();
  expect(result?.success).toBe(false);
  expect(result?.error).toBeInstanceOf(z.ZodError);
};

describe('Garmin activity types', () => {
  it.each([
    ['RUNNING', 'run'],
    ['TRACK_RUNNING', 'run'],
    ['ULTRA_RUN', 'run'],
    ['TRAIL_RUNNING', 'trail_run'],
    ['TREADMILL_RUNNING', 'treadmill'],
    ['INDOOR_RUNNING', 'treadmill'],
    ['CYCLING', 'ride'],
    ['ROAD_BIKING', 'ride'],
    ['INDOOR_CYCLING', 'ride'],
    ['WALKING', 'walk'],
    ['HIKING', 'walk'],
    ['STRENGTH_TRAINING', 'strength'],
    ['LAP_SWIMMING', 'cross_training'],
    ['INDOOR_ROWING', 'cross_training'],
    ['YOGA', 'other'],
    ['__PROTO__', 'other'],
    [undefined, 'other'],
  ] as const)('%s -> %s', (garmin, expected) => {
    expect(garminActivityType(garmin)).toBe(expected);
  });
});

describe('Garmin activities', () => {
  it('takes samples from activityDetails, glitches dropped', () => {
    const [mapped] = mapGarminActivities(GarminPush.parse({ activityDetails: [detail] }));
    expect(mapped?.candidate).toMatchObject({ externalId: '13012345678', type: 'run', startTime: '2024-05-19T09:02:11Z' });
    expect(mapped?.candidate.samples).toEqual([
      { offsetSeconds: 0, hr: 95 },
      { offsetSeconds: 60, hr: 150, paceSecondsPerKm: 312.5, cadence: 172, power: 280 },
    ]);
  });

  it('a summary and its details in one push make one activity, keeping the samples', () => {
    const mapped = mapGarminActivities(GarminPush.parse({ activityDetails: [detail], activities: [summary] }));
    expect(mapped).toHaveLength(1);
    expect(mapped[0]?.candidate.samples).toHaveLength(2);
  });

  it('a manual update overrides the summary it corrects', () => {
    const push = GarminPush.parse({ activities: [summary], manuallyUpdatedActivities: [{ ...summary, activityType: 'TRAIL_RUNNING' }] });
    expect(mapGarminActivities(push).map((m) => m.candidate.type)).toEqual(['trail_run']);
  });

  it('keeps two users apart even with the same activity id', () => {
    const push = GarminPush.parse({ activities: [summary, { ...summary, userId: 'garmin-user-2' }] });
    expect(mapGarminActivities(push).map((m) => m.garminUserId)).toEqual([USER, 'garmin-user-2']);
  });

  it('without a local offset there is no vendor local date', () => {
    const [mapped] = mapGarminActivities(GarminPush.parse({ activities: [{ ...summary, startTimeOffsetInSeconds: undefined }] }));
    expect(mapped?.candidate).toMatchObject({ vendorLocalDate: null, utcOffsetSeconds: null });
  });
});

describe('Garmin wellness', () => {
  it('sleep is deep + light + REM: time awake does not count', () => {
    const s = {
      ...sleep,
      durationInSeconds: 27500,
      deepSleepDurationInSeconds: 5400,
      lightSleepDurationInSeconds: 14400,
      remSleepInSeconds: 6300,
      awakeDurationInSeconds: 1400,
    };
    expect(garminSleepMinutes(s)).toBe(435);
  });

  it('without stages, sleep is the duration minus time awake', () => {
    expect(garminSleepMinutes({ ...sleep, durationInSeconds: 27500, awakeDurationInSeconds: 1400 })).toBe(435);
  });

  it.each([
    [0, 1],
    [50, 6],
    [82, 8],
    [90, 9],
    [100, 10],
    [101, undefined],
    [undefined, undefined],
  ])('sleep score %s -> quality %s', (score, quality) => {
    expect(garminSleepQuality(score)).toBe(quality);
  });

  it('merges the summaries of one day and leaves out values meaning "not measured"', () => {
    const push = GarminPush.parse({
      dailies: [
        { ...sleep, restingHeartRateInBeatsPerMinute: 0 },
        { ...sleep, calendarDate: '2024-05-19', restingHeartRateInBeatsPerMinute: 50 },
        { ...sleep, userId: 'garmin-user-2', restingHeartRateInBeatsPerMinute: 0 },
      ],
      hrv: [{ ...sleep, lastNightAvg: 58 }],
    });
    expect(Object.fromEntries(mapGarminWellness(push))).toEqual({
      [USER]: [
        { date: '2024-05-19', restingHr: 50 },
        { date: '2024-05-20', hrvRmssd: 58 },
      ],
    });
  });

  it('passes on the permissions each user now grants', () => {
    const push = GarminPush.parse({ userPermissionsChange: [{ userId: USER, permissions: ['ACTIVITY_EXPORT'], changeTimeInSeconds: 1716109331 }] });
    expect(garminPermissionChanges(push)).toEqual([{ garminUserId: USER, permissions: ['ACTIVITY_EXPORT'] }]);
  });
});

describe('hostile Garmin pushes', () => {
  it.each<[string, unknown]>([
    ['100k activities', { activities: Array.from({ length: 100_000 }, () => summary) }],
    ['1001 dailies', { dailies: Array.from({ length: 1001 }, () => sleep) }],
    ['more samples than seconds in a day', { activityDetails: [{ ...detail, samples: Array.from({ length: 86_401 }, () => detail.samples[0]) }] }],
    ['a 1 MB user id', { activities: [{ ...summary, userId: 'x'.repeat(1_000_000) }] }],
    ['a duration written as a string', { activities: [{ ...summary, durationInSeconds: '3391' }] }],
    ['a start that is not a whole number', { activities: [{ ...summary, startTimeInSeconds: 1.5 }] }],
    ['an activity list that is an object', { activities: { 0: summary } }],
    ['deep nesting where a summary belongs', { activities: [nested(10_000)] }],
    ['a calendar date that is not a date', { hrv: [{ ...sleep, calendarDate: '20/05/2024' }] }],
    ['a string body', 'x'.repeat(10_000_000)],
  ])('rejects %s with a ZodError', (_, input) => expectRejected(input));

  it('ignores summary types it does not use, whatever they hold', () => {
    const push = GarminPush.parse({ epochs: nested(10_000), stressDetails: Array.from({ length: 100_000 }, () => 1), deregistrations: [] });
    expect(push).toEqual({ deregistrations: [] });
  });
});

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
