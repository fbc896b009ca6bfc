// Event identities: a vendor's retry maps to the same key, a different event (or an update) never does.
import { describe, expect, it } from 'vitest';
import { AppleRelay } from '#shared/vendors/apple/relay';
import { GarminPush } from '#shared/vendors/garmin/push';
import { StravaEvent } from '#shared/vendors/strava/webhook';
import { appleIntakeItems } from '#shared/webhooks/apple';
import { addressedToUs, garminIntakeItems } from '#shared/webhooks/garmin';
import { stravaDecision } from '#shared/webhooks/strava';
import { sample } from '#test/support/vendor-samples';

const userId = '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11';

describe('Strava', () => {
  const event = StravaEvent.parse(sample('strava-event-create.json'));

  it('keys an event by subscription, object, aspect and time', () => {
    const decision = stravaDecision(event);
    expect(decision).toMatchObject({
      kind: 'publish',
      action: 'activity-upsert',
      item: { vendor: 'strava', eventKey: 'strava:120475:activity:11472130281:create:1716112800', payload: event },
    });
    const update = stravaDecision(StravaEvent.parse(sample('strava-event-update.json')));
    expect(update.kind === 'publish' && update.item.eventKey).not.toBe(decision.kind === 'publish' && decision.item.eventKey);
  });

  it('answers every subscription id alike (the worker drops the ones that are not ours), so ours cannot be probed', () => {
    const ours = stravaDecision(event);
    const other = stravaDecision({ ...event, subscription_id: 1 });
    expect(other.kind).toBe(ours.kind);
  });
});

describe('Garmin', () => {
  it('gives a re-sent push the same keys and an updated summary a new one', () => {
    const push = GarminPush.parse(sample('garmin-push-activities.json'));
    const keys = garminIntakeItems(push).map((i) => i.eventKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^garmin:activities:4aacafe82427c251df9c9592d0c06768:13012345678:/);
    expect(garminIntakeItems(GarminPush.parse(sample('garmin-push-activities.json'))).map((i) => i.eventKey)).toEqual(keys);
    const edited = GarminPush.parse({ activities: [{ ...push.activities![0]!, durationInSeconds: 3000 }] });
    expect(garminIntakeItems(edited)[0]!.eventKey).not.toBe(keys[0]);
  });

  it('wraps every summary type as a push of its own', () => {
    const push = GarminPush.parse({ ...sample<object>('garmin-push-wellness.json'), ...sample<object>('garmin-deregistration.json') });
    expect(garminIntakeItems(push).map((i) => Object.keys(i.payload as object))).toEqual([['dailies'], ['sleeps'], ['hrv'], ['deregistrations']]);
  });

  it('checks the consumer only when both sides name one', () => {
    expect(addressedToUs({ 'garmin-client-id': 'ours' }, 'ours')).toBe(true);
    expect(addressedToUs({ 'garmin-client-id': 'theirs' }, 'ours')).toBe(false);
    expect(addressedToUs({}, 'ours')).toBe(true);
    expect(addressedToUs({ 'garmin-client-id': 'theirs' }, undefined)).toBe(true);
  });
});

describe('Apple', () => {
  it('keys workouts by user and upper-case UUID, dailies by date, both with a digest', () => {
    const relay = AppleRelay.parse(sample('apple-relay.json'));
    const items = appleIntakeItems(relay, userId);
    expect(items.map((i) => i.ref)).toEqual([
      { kind: 'workout', id: '3F2504E0-4F89-41D3-9A0C-0305E82C3301' },
      { kind: 'workout', id: '7C9E6679-7425-40DE-944B-E07FC1F90AE7' },
      { kind: 'daily', id: '2024-05-22' },
    ]);
    expect(items[0]!.item.eventKey).toMatch(new RegExp(`^apple:${userId}:workout:3F2504E0-4F89-41D3-9A0C-0305E82C3301:`));
    const withRpe = appleIntakeItems({ ...relay, workouts: [{ ...relay.workouts[0]!, rpe: 6 }] }, userId);
    expect(withRpe[0]!.item.eventKey).not.toBe(items[0]!.item.eventKey);
    expect(appleIntakeItems(relay, '00000000-0000-4000-8000-000000000000')[0]!.item.eventKey).not.toBe(items[0]!.item.eventKey);
    for (const { item } of items) expect(AppleRelay.parse(item.payload)).toBeTruthy();
  });
});
