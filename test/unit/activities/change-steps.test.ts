// The pure steps of a change set, one rule at a time (the whole batch: change-set.test.ts).
import { describe, expect, it } from 'vitest';
import type { UserContext, WorkingRow } from '#shared/activities/activity-ops';
import { duplicateOfDelivery, promotion, rowLoad, withBorrowedValues } from '#shared/activities/change-steps';
import { WorkingSet } from '#shared/activities/working-set';

const user: UserContext = {
  id: 'u',
  time_zone: 'Europe/Paris',
  resting_hr: 50,
  max_hr: 190,
  sex: 'male',
  notification_preferences: {},
  has_active_plan: false,
};

const row = (id: string, values: Partial<WorkingRow> = {}): WorkingRow => ({
  id,
  user_id: 'u',
  source: 'garmin',
  external_id: id,
  type: 'run',
  start_time: new Date('2024-05-19T09:00:00Z'),
  local_date: '2024-05-19',
  utc_offset_minutes: 120,
  duration_minutes: 60,
  distance_meters: null,
  avg_hr: null,
  max_hr: null,
  elevation_gain_meters: null,
  rpe: null,
  feeling: null,
  notes: null,
  internal_load: null,
  trimp: null,
  duplicate_of: null,
  created_at: new Date('2024-05-19T10:00:00Z'),
  field_sources: {},
  ...values,
});

describe('promotion: a deleted session is still counted once', () => {
  it('makes the oldest duplicate the counted copy, with what the athlete said where it has nothing, and points the others at it', () => {
    const deleted = row('p', { rpe: 7, feeling: 2, notes: 'windy', type: 'tempo' });
    const heir = row('d1', { source: 'strava', notes: 'mine' });
    const other = row('d2', { source: 'apple', duplicate_of: 'p' });
    expect(promotion(deleted, [{ ...heir, duplicate_of: 'p' }, other])).toEqual([
      { ...heir, duplicate_of: null, rpe: 7, feeling: 2, notes: 'mine', type: 'tempo' },
      { ...other, duplicate_of: 'd1' },
    ]);
  });

  it('changes nothing when the session had no other copy', () => {
    expect(promotion(row('p'), [])).toEqual([]);
  });
});

describe('withBorrowedValues: a counted activity takes what it lacks from its duplicates', () => {
  it('takes each missing value from the oldest duplicate that has it, and says where it came from', () => {
    const counted = row('p', { distance_meters: 10_000 });
    const older = row('d1', { source: 'strava', duplicate_of: 'p', avg_hr: 150 });
    const newer = row('d2', { source: 'apple', duplicate_of: 'p', avg_hr: 149, max_hr: 180 });
    expect(withBorrowedValues(counted, [older, newer])).toMatchObject({
      distance_meters: 10_000,
      avg_hr: 150,
      max_hr: 180,
      field_sources: { avgHr: 'd1', maxHr: 'd2' },
    });
  });

  it("follows the duplicate's correction, lets a borrowed value go with its duplicate, and reports no change when there is none", () => {
    const counted = row('p', { avg_hr: 150, field_sources: { avgHr: 'd1' } });
    expect(withBorrowedValues(counted, [row('d1', { duplicate_of: 'p', avg_hr: 152 })])).toMatchObject({ avg_hr: 152, field_sources: { avgHr: 'd1' } });
    expect(withBorrowedValues(counted, [])).toMatchObject({ avg_hr: null, field_sources: {} });
    expect(withBorrowedValues(counted, [row('d1', { duplicate_of: 'p', avg_hr: 150 })])).toBeUndefined();
  });
});

describe('rowLoad: what a written activity counts for', () => {
  it('counts nothing for a duplicate', () => {
    expect(rowLoad(row('d', { duplicate_of: 'p', rpe: 6 }), null, undefined, user)).toEqual({ internalLoad: null, trimp: null });
  });

  it('counts duration x RPE once there is an RPE, and TRIMP from the average heart rate of a new activity', () => {
    const load = rowLoad(row('p', { rpe: 6, avg_hr: 150 }), null, undefined, user);
    expect(load.internalLoad).toBe(360);
    expect(load.trimp).toBeGreaterThan(0);
  });

  it('keeps the TRIMP while duration and heart rate stay, and sends it back to the stored samples when they change', () => {
    const before = row('p', { avg_hr: 150, trimp: 99 });
    expect(rowLoad(row('p', { avg_hr: 150, rpe: 5 }), before, undefined, user)).toEqual({ internalLoad: 300, trimp: 99 });
    expect(rowLoad(row('p', { avg_hr: 151 }), before, undefined, user)).toEqual({ internalLoad: null, trimp: 'stored-samples' });
  });
});

describe('duplicateOfDelivery: which counted activity a delivery repeats', () => {
  const garmin = row('g');
  const strava = row('s', { source: 'strava', start_time: new Date('2024-05-19T09:01:00Z'), duration_minutes: 61 });

  it('makes a new copy of a counted session its duplicate', () => {
    expect(duplicateOfDelivery(strava, undefined, new WorkingSet([garmin]))).toBe('g');
  });

  it('leaves a counted activity counted, even when another copy now matches it', () => {
    const set = new WorkingSet([garmin, strava]);
    expect(duplicateOfDelivery(strava, strava, set)).toBeNull();
  });

  it('keeps a duplicate with its counted copy while it matches, and counts it again once it does not', () => {
    const copy = { ...strava, duplicate_of: 'g' };
    const set = new WorkingSet([garmin, copy]);
    expect(duplicateOfDelivery(strava, copy, set)).toBe('g');
    expect(duplicateOfDelivery({ ...strava, start_time: new Date('2024-05-19T12:00:00Z') }, copy, set)).toBeNull();
  });
});
