// Every real vendor payload in ../shared/vendors maps to the values written out below.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ActivityCandidate, validateCandidate } from '#shared/domain/activity-candidate';
import { isCrossSourceDuplicate } from '#shared/domain/cross-source-duplicates';
import { AppleRelay, mapAppleRelay } from '#shared/vendors/apple/relay';
import { GarminPush, garminDeregisteredUserIds, garminPermissionChanges, mapGarminActivities, mapGarminWellness } from '#shared/vendors/garmin/push';
import { StravaActivity, mapStravaActivity } from '#shared/vendors/strava/activity';
import { StravaTokenResponse } from '#shared/vendors/strava/api';
import { StravaEvent, StravaSubscriptionQuery, answerSubscriptionValidation, classifyStravaEvent } from '#shared/vendors/strava/webhook';

const samplesDir = new URL('../../fixtures/reference/vendors/', import.meta.url);
const text = (file: string) => readFileSync(new URL(file, samplesDir), 'utf8');
const json = (file: string): unknown => JSON.parse(text(file));

const NOW = new Date('2024-06-01T00:00:00Z');
const GARMIN_USER = '4aacafe82427c251df9c9592d0c06768';

const garminRun: ActivityCandidate = {
  source: 'garmin',
  externalId: '13012345678',
  type: 'run',
  startTime: '2024-05-19T09:02:11Z',
  durationMinutes: 3391 / 60,
  distanceMeters: 12043.7,
  avgHr: 158,
  maxHr: 181,
  elevationGainMeters: 64,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: 'forerunner965',
};
const stravaRun: ActivityCandidate = {
  source: 'strava',
  externalId: '11472130281',
  type: 'run',
  startTime: '2024-05-19T09:02:11Z',
  durationMinutes: 3391 / 60,
  distanceMeters: 12043.7,
  avgHr: 158,
  maxHr: 181,
  elevationGainMeters: 64,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: 'Garmin Forerunner 965',
};

const expectValid = (candidates: ActivityCandidate[]) => {
  for (const c of candidates) {
    expect(ActivityCandidate.parse(c)).toEqual(c);
    expect(validateCandidate(c, NOW)).toEqual({ ok: true });
  }
};

const expectations: Record<string, () => void> = {
  'strava-activity-run.json': () => {
    const candidate = mapStravaActivity(StravaActivity.parse(json('strava-activity-run.json')));
    expect(candidate).toEqual(stravaRun);
    expectValid([candidate]);
  },
  'strava-activity-manual-no-hr.json': () => {
    const candidate = mapStravaActivity(StravaActivity.parse(json('strava-activity-manual-no-hr.json')));
    expect(candidate).toEqual({
      source: 'strava',
      externalId: '11472130999',
      type: 'treadmill',
      startTime: '2024-05-21T17:30:00Z',
      durationMinutes: 30,
      distanceMeters: null,
      avgHr: null,
      maxHr: null,
      elevationGainMeters: 0,
      rpe: 6,
      vendorLocalDate: '2024-05-21',
      utcOffsetSeconds: 7200,
      samples: [],
      deviceName: null,
    });
    expectValid([candidate]);
  },
  'strava-event-create.json': () => {
    expect(classifyStravaEvent(StravaEvent.parse(json('strava-event-create.json')), 120475)).toEqual({
      kind: 'activity-upsert',
      athleteId: '134815',
      activityId: '11472130281',
      eventKey: 'strava:120475:activity:11472130281:create:1716112800',
    });
  },
  'strava-event-update.json': () => {
    expect(classifyStravaEvent(StravaEvent.parse(json('strava-event-update.json')), 120475)).toEqual({
      kind: 'activity-upsert',
      athleteId: '134815',
      activityId: '11472130281',
      eventKey: 'strava:120475:activity:11472130281:update:1716113400',
    });
  },
  'strava-event-delete.json': () => {
    expect(classifyStravaEvent(StravaEvent.parse(json('strava-event-delete.json')), 120475)).toEqual({
      kind: 'activity-delete',
      athleteId: '134815',
      activityId: '11472130281',
      eventKey: 'strava:120475:activity:11472130281:delete:1716120000',
    });
  },
  'strava-event-deauth.json': () => {
    expect(classifyStravaEvent(StravaEvent.parse(json('strava-event-deauth.json')), 120475)).toEqual({
      kind: 'deauthorize',
      athleteId: '134815',
      eventKey: 'strava:120475:athlete:134815:update:1716200000',
    });
  },
  'strava-subscription-validation.txt': () => {
    const [request, response] = text('strava-subscription-validation.txt').split('\n');
    const url = new URL(request!.split(' ')[1]!, 'https://api.example');
    const query = StravaSubscriptionQuery.parse(Object.fromEntries(url.searchParams));
    expect(answerSubscriptionValidation(query, 'STRAVA')).toEqual({
      status: 200,
      body: { 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3' },
    });
    expect(answerSubscriptionValidation(query, 'STRAVA')).toEqual({ status: 200, body: JSON.parse(response!.match(/\{.*\}/)![0]) });
    expect(answerSubscriptionValidation(query, 'NOT-OURS')).toEqual({ status: 403 });
  },
  'strava-token-response.json': () => {
    const token = StravaTokenResponse.parse(json('strava-token-response.json'));
    expect(token).toMatchObject({
      token_type: 'Bearer',
      expires_at: 1716134400,
      refresh_token: 'e5n567567a2a4e8...',
      access_token: 'a4b945687g3a4e8...',
      athlete: { id: 134815 },
    });
  },
  'garmin-push-activities.json': () => {
    const push = GarminPush.parse(json('garmin-push-activities.json'));
    const mapped = mapGarminActivities(push);
    expect(mapped).toEqual([
      { garminUserId: GARMIN_USER, candidate: garminRun },
      {
        garminUserId: GARMIN_USER,
        candidate: {
          source: 'garmin',
          externalId: '13012399999',
          type: 'strength',
          startTime: '2024-05-20T09:00:00Z',
          durationMinutes: 42,
          distanceMeters: null,
          avgHr: 104,
          maxHr: 141,
          elevationGainMeters: null,
          rpe: null,
          vendorLocalDate: '2024-05-20',
          utcOffsetSeconds: 7200,
          samples: [],
          deviceName: 'forerunner965',
        },
      },
    ]);
    expectValid(mapped.map((m) => m.candidate));
    expect(mapGarminWellness(push).size).toBe(0);
  },
  'garmin-push-wellness.json': () => {
    const push = GarminPush.parse(json('garmin-push-wellness.json'));
    expect(Object.fromEntries(mapGarminWellness(push))).toEqual({
      [GARMIN_USER]: [{ date: '2024-05-20', restingHr: 48, sleepDurationMinutes: 435, sleepQuality: 8, hrvRmssd: 61 }],
    });
    expect(mapGarminActivities(push)).toEqual([]);
  },
  'garmin-deregistration.json': () => {
    const push = GarminPush.parse(json('garmin-deregistration.json'));
    expect(garminDeregisteredUserIds(push)).toEqual([GARMIN_USER]);
    expect(garminPermissionChanges(push)).toEqual([]);
    expect(mapGarminActivities(push)).toEqual([]);
  },
  'apple-relay.json': () => {
    const { activities, dailies } = mapAppleRelay(AppleRelay.parse(json('apple-relay.json')));
    expect(activities).toEqual([
      {
        source: 'apple',
        externalId: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
        type: 'run',
        startTime: '2024-05-22T05:01:00Z',
        durationMinutes: 46.5,
        distanceMeters: 8050.2,
        avgHr: 149,
        maxHr: 170,
        elevationGainMeters: 22.5,
        rpe: null,
        vendorLocalDate: '2024-05-22',
        utcOffsetSeconds: 7200,
        samples: [
          { offsetSeconds: 5, hr: 98 },
          { offsetSeconds: 540, hr: 147 },
        ],
        deviceName: null,
      },
      {
        source: 'apple',
        externalId: '7C9E6679-7425-40DE-944B-E07FC1F90AE7',
        type: 'treadmill',
        startTime: '2024-05-23T16:00:00Z',
        durationMinutes: 30,
        distanceMeters: null,
        avgHr: null,
        maxHr: null,
        elevationGainMeters: null,
        rpe: 5,
        vendorLocalDate: '2024-05-23',
        utcOffsetSeconds: 7200,
        samples: [],
        deviceName: null,
      },
    ]);
    expectValid(activities);
    expect(dailies).toEqual([{ date: '2024-05-22', restingHr: 47, hrvSdnnMs: 71.4, sleepDurationMinutes: 452 }]);
    expect(dailies[0]).not.toHaveProperty('hrvRmssd');
  },
};

describe('vendor sample payloads', () => {
  it('every sample file has its expected mapping written out here', () => {
    expect(readdirSync(samplesDir).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(expectations))('%s maps to the expected values', (file) => {
    expectations[file]!();
  });

  it('the run Garmin and Strava both push is recognised as one session', () => {
    const [garmin] = mapGarminActivities(GarminPush.parse(json('garmin-push-activities.json')));
    const strava = mapStravaActivity(StravaActivity.parse(json('strava-activity-run.json')));
    expect(isCrossSourceDuplicate(garmin!.candidate, strava)).toBe(true);
    expect(isCrossSourceDuplicate(strava, garmin!.candidate)).toBe(true);
  });

  it('runs on other days are not mistaken for that run', () => {
    const strava = mapStravaActivity(StravaActivity.parse(json('strava-activity-run.json')));
    const { activities } = mapAppleRelay(AppleRelay.parse(json('apple-relay.json')));
    const manual = mapStravaActivity(StravaActivity.parse(json('strava-activity-manual-no-hr.json')));
    for (const other of [...activities, manual]) expect(isCrossSourceDuplicate(strava, other)).toBe(false);
  });
});
