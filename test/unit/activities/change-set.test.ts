// The change set without a database: what a batch of activity changes does to the rows it can touch.
import { describe, expect, it } from 'vitest';
import type { ActivityOp, UserContext, WorkingRow } from '#shared/activities/activity-ops';
import { computeChangeSet, loadChanges, taskChanges } from '#shared/activities/change-set';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';

const NOW = new Date('2024-06-01T12:00:00Z');
const USER = '00000000-0000-4000-8000-000000000001';
const user: UserContext = {
  id: USER,
  time_zone: 'Europe/Paris',
  resting_hr: 50,
  max_hr: 190,
  sex: 'male',
  notification_preferences: {},
  has_active_plan: false,
};
const users = new Map([[USER, user]]);

const garmin: ActivityCandidate = {
  source: 'garmin',
  externalId: 'g1',
  type: 'run',
  startTime: '2024-05-19T09:02:11Z',
  durationMinutes: 60,
  distanceMeters: 12000,
  avgHr: 150,
  maxHr: 175,
  elevationGainMeters: 50,
  rpe: null,
  vendorLocalDate: '2024-05-19',
  utcOffsetSeconds: 7200,
  samples: [],
  deviceName: null,
};
const strava: ActivityCandidate = { ...garmin, source: 'strava', externalId: 's1', startTime: '2024-05-19T09:03:00Z', durationMinutes: 61 };

let ids = 0;
const changeSet = (ops: ActivityOp[], rows: WorkingRow[] = []) => computeChangeSet({ ops, users, rows, now: NOW, newId: () => `id-${++ids}` });
const upsert = (candidate: ActivityCandidate, extra: Partial<Extract<ActivityOp, { kind: 'upsert' }>> = {}): ActivityOp => ({
  kind: 'upsert',
  userId: USER,
  candidate,
  origin: 'vendor',
  ...extra,
});

function stored(candidate: ActivityCandidate, values: Partial<WorkingRow>): WorkingRow {
  const p = changeSet([upsert(candidate)]);
  return { ...[...p.upserts.values()][0]!, created_at: new Date('2024-05-19T10:00:00Z'), ...values };
}

describe('the change set of a batch of activity changes', () => {
  it('makes one row of an activity delivered twice in one batch', () => {
    const p = changeSet([upsert(garmin), upsert(garmin)]);
    expect(p.results.map((r) => r.kind)).toEqual(['created', 'unchanged']);
    expect(p.upserts.size).toBe(1);
    const row = [...p.upserts.values()][0]!;
    expect(row).toMatchObject({ local_date: '2024-05-19', utc_offset_minutes: 120, internal_load: null, duplicate_of: null });
    expect(row.trimp).toBeGreaterThan(0);
  });

  it('makes the second copy of a session from another source a duplicate carrying no load', () => {
    const p = changeSet([upsert(garmin), upsert({ ...strava, rpe: 6 })]);
    const [primary, copy] = [...p.upserts.values()];
    expect(copy).toMatchObject({ duplicate_of: primary!.id, internal_load: null, trimp: null });
    // Its RPE fills the counted copy's gap.
    expect(primary).toMatchObject({ rpe: 6, internal_load: 360 });
    expect(taskChanges(p).open).toEqual([]);
  });

  it('does not take a session 3 minutes apart, or 10 % longer, for the same one', () => {
    const later = changeSet([upsert(garmin), upsert({ ...strava, startTime: '2024-05-19T09:05:12Z' })]);
    const longer = changeSet([upsert(garmin), upsert({ ...strava, durationMinutes: 66 })]);
    for (const p of [later, longer]) expect([...p.upserts.values()].every((r) => r.duplicate_of === null)).toBe(true);
  });

  it('keeps what the athlete said when the vendor updates the activity', () => {
    const before = stored(garmin, { rpe: 8, feeling: 2, notes: 'legs heavy', type: 'interval', internal_load: 480 });
    const p = changeSet([upsert({ ...garmin, durationMinutes: 62, rpe: 3 })], [before]);
    expect(p.upserts.get(before.id)).toMatchObject({ rpe: 8, feeling: 2, notes: 'legs heavy', type: 'interval', duration_minutes: 62, internal_load: 496 });
    // A real change of sport from the vendor is taken.
    const ride = changeSet([upsert({ ...garmin, type: 'ride' })], [before]);
    expect(ride.upserts.get(before.id)!.type).toBe('ride');
    // The app re-sending its entry without a type keeps the stored one.
    const manual = stored({ ...garmin, source: 'manual', externalId: 'app-1' }, { type: 'tempo' });
    const resent = changeSet([upsert({ ...garmin, source: 'manual', externalId: 'app-1' }, { origin: 'app', typeIsDefault: true })], [manual]);
    expect(resent.results[0]!.kind).toBe('unchanged');
  });

  it("hands the load of a deleted counted activity to its oldest duplicate, with the athlete's RPE", () => {
    const primary = stored(garmin, { id: 'p', rpe: 7, internal_load: 420, created_at: new Date('2024-05-19T10:00:00Z') });
    const first = stored(strava, { id: 'd1', duplicate_of: 'p', created_at: new Date('2024-05-19T10:05:00Z') });
    const second = stored({ ...strava, source: 'apple', externalId: 'a1' }, { id: 'd2', duplicate_of: 'p', created_at: new Date('2024-05-19T10:09:00Z') });
    const p = changeSet([{ kind: 'delete', userId: USER, source: 'garmin', externalId: 'g1' }], [primary, first, second]);
    expect(p.deletes).toEqual(new Set(['p']));
    expect(p.upserts.get('d1')).toMatchObject({ duplicate_of: null, rpe: 7, internal_load: 427 });
    expect(p.upserts.get('d2')).toMatchObject({ duplicate_of: 'd1', internal_load: null });
    expect(p.trimpFromStoredSamples).toEqual(new Set(['d1']));
    expect(
      loadChanges(p)
        .map((c) => [c.activityId, c.change])
        .sort(),
    ).toEqual([
      ['d1', 'updated'],
      ['p', 'deleted'],
    ]);
  });

  it('counts a duplicate again once an update moves it away from its primary, and asks for its RPE', () => {
    const primary = stored(garmin, { id: 'p' });
    const copy = stored(strava, { id: 'd', duplicate_of: 'p', internal_load: null, trimp: null });
    const p = changeSet([upsert({ ...strava, startTime: '2024-05-19T12:00:00Z' })], [primary, copy]);
    expect(p.upserts.get('d')).toMatchObject({ duplicate_of: null });
    expect(taskChanges(p).open.map((r) => r.id)).toEqual(['d']);
  });

  it('applies an RPE given on a duplicate to the session it counts for', () => {
    const primary = stored(garmin, { id: 'p', rpe: null });
    const copy = stored(strava, { id: 'd', duplicate_of: 'p' });
    const p = changeSet([{ kind: 'patch', userId: USER, activityId: 'd', set: { rpe: 5 } }], [primary, copy]);
    expect(p.upserts.get('p')).toMatchObject({ rpe: 5, internal_load: 300 });
    expect(taskChanges(p).done).toEqual(['p']);
    expect(loadChanges(p)).toEqual([{ userId: USER, activityId: 'p', localDate: '2024-05-19', change: 'updated' }]);
  });

  it('keeps only the last verdict on a vendor item within a batch', () => {
    const bad = { ...garmin, avgHr: 300, maxHr: 310 };
    const fixed = changeSet([upsert(bad), upsert(garmin)]);
    expect(fixed.rejections).toEqual([]);
    expect(fixed.accepted).toEqual([{ userId: USER, vendor: 'garmin', externalId: 'g1' }]);
    const broken = changeSet([upsert(garmin), upsert(bad)]);
    expect(broken.rejections.map((r) => r.summary)).toEqual([{ field: 'avgHr', type: 'run', startTime: '2024-05-19T09:02:11Z' }]);
    expect(broken.accepted).toEqual([]);
  });

  it('does nothing for users it does not know or activities they do not own', () => {
    const theirs = stored(garmin, { id: 'x', user_id: 'someone-else' });
    const p = changeSet(
      [
        { ...upsert(garmin), userId: 'nobody' },
        { kind: 'patch', userId: USER, activityId: 'x', set: { rpe: 3 } },
        { kind: 'delete', userId: USER, activityId: 'x' },
      ],
      [theirs],
    );
    expect(p.results.map((r) => r.kind)).toEqual(['unknown-user', 'not-found', 'not-found']);
    expect(p.upserts.size + p.deletes.size).toBe(0);
  });

  it('announces a move to another day from the earlier of the two days', () => {
    const before = stored(garmin, { rpe: 5, internal_load: 300 });
    const p = changeSet([upsert({ ...garmin, startTime: '2024-05-18T09:02:11Z', rpe: 5 })], [before]);
    expect(loadChanges(p)).toEqual([{ userId: USER, activityId: before.id, localDate: '2024-05-18', change: 'updated' }]);
  });
});
