// The account document: reading it, changing any part of it, and every value it refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { setClock } from '#shared/clock';
import type { Me } from '#shared/contracts/me';
import { useLocalRuntime } from '#test/support/local-runtime';
import { createTestUser, type TestUser } from '#test/support/auth';

const local = useLocalRuntime();

afterEach(() => setClock(undefined));

const allOn = { riskAlert: true, planAdapted: true, workoutMissed: true, readiness: true, pendingTask: true, vendorDisconnected: true };

/** `semantic`: why the document, which accepts the body, is right to be refused (see useLocalRuntime). */
const patch = (user: TestUser, body: unknown, semantic?: string) =>
  local.fetch(`/api/v1/me`, { method: 'PATCH', headers: { ...user.headers, 'content-type': 'application/json' }, body: JSON.stringify(body), semantic });
const get = async (user: TestUser) => (await (await local.fetch(`/api/v1/me`, { headers: user.headers })).json()) as Me;

async function refused(user: TestUser, body: unknown, semantic?: string): Promise<string[]> {
  const res = await patch(user, body, semantic);
  expect(res.status).toBe(422);
  return ((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
}

describe('GET /me', () => {
  it("is a new user's full document with UTC, empty values and every notification on", async () => {
    const user = await createTestUser(local.db);
    expect(await get(user)).toEqual({
      id: user.userId,
      email: user.email,
      profile: { dob: null, sex: 'unspecified', weightKg: null, heightCm: null },
      settings: { preferredUnits: 'metric', timeZone: 'UTC', weekStartDay: 1, notificationPreferences: allOn, researchConsent: false },
      baselines: { restingHr: null, hrvRmssd: null, maxHr: null, lactateThresholdHr: null },
      responder: { classification: null, evidence: null, updatedAt: null },
    });
  });
});

describe('PATCH /me', () => {
  it('changes any nested part and returns the whole document', async () => {
    const now = new Date('2026-05-01T10:00:00Z');
    setClock({ now: () => now });
    const user = await createTestUser(local.db);
    const res = await patch(user, {
      profile: { dob: '1990-04-12', sex: 'female', weightKg: 58.5, heightCm: 168 },
      settings: { timeZone: 'Europe/Paris', preferredUnits: 'imperial', notificationPreferences: { riskAlert: false } },
      baselines: { restingHr: 48, maxHr: 188, lactateThresholdHr: 170, hrvRmssd: 65.2 },
    });
    expect(res.status).toBe(200);
    const me = (await res.json()) as Me;
    expect(me.profile).toEqual({ dob: '1990-04-12', sex: 'female', weightKg: 58.5, heightCm: 168 });
    expect(me.settings).toEqual({
      preferredUnits: 'imperial',
      timeZone: 'Europe/Paris',
      weekStartDay: 1,
      notificationPreferences: { ...allOn, riskAlert: false },
      researchConsent: false,
    });
    expect(me.baselines).toEqual({ restingHr: 48, hrvRmssd: 65.2, maxHr: 188, lactateThresholdHr: 170 });
    expect(me.responder).toEqual({ classification: null, evidence: null, updatedAt: null });
    expect(await get(user)).toEqual(me);
  });

  it('leaves what it does not mention, merges notification preferences and clears with null', async () => {
    const user = await createTestUser(local.db);
    await patch(user, { profile: { weightKg: 70 }, settings: { notificationPreferences: { riskAlert: false, readiness: true } } });
    const res = await patch(user, { profile: { weightKg: null }, settings: { notificationPreferences: { readiness: false } } });
    const me = (await res.json()) as Me;
    expect(me.profile.weightKg).toBeNull();
    expect(me.settings.notificationPreferences).toEqual({ ...allOn, riskAlert: false, readiness: false });
    const stored = await local.db.selectFrom('users').select('notification_preferences').where('id', '=', user.userId).executeTakeFirstOrThrow();
    expect(stored.notification_preferences).toEqual({ risk_alert: false, readiness: false });
  });

  it('accepts real IANA zone names only', async () => {
    const user = await createTestUser(local.db);
    expect(await refused(user, { settings: { timeZone: 'Mars/Olympus_Mons' } }, 'shaped like a zone, but not in the IANA database')).toEqual([
      'body.settings.timeZone',
    ]);
    expect(await refused(user, { settings: { timeZone: '+02:00' } })).toEqual(['body.settings.timeZone']);
    expect(await refused(user, { settings: { timeZone: '' } })).toEqual(['body.settings.timeZone']);
    expect(await refused(user, { settings: { timeZone: 'europe/paris' } })).toEqual(['body.settings.timeZone']);
    const ok = await patch(user, { settings: { timeZone: 'America/Argentina/Buenos_Aires' } });
    expect(((await ok.json()) as Me).settings.timeZone).toBe('America/Argentina/Buenos_Aires');
  });

  it('checks each value against its range', async () => {
    const user = await createTestUser(local.db);
    expect(await refused(user, { baselines: { maxHr: 119 } })).toEqual(['body.baselines.maxHr']);
    expect(await refused(user, { baselines: { maxHr: 231 } })).toEqual(['body.baselines.maxHr']);
    expect(await refused(user, { baselines: { maxHr: 180.5 } })).toEqual(['body.baselines.maxHr']);
    expect(await refused(user, { profile: { weightKg: 24.9 } })).toEqual(['body.profile.weightKg']);
    expect(await refused(user, { profile: { weightKg: 300.1 } })).toEqual(['body.profile.weightKg']);
    expect(await refused(user, { profile: { heightCm: 99 } })).toEqual(['body.profile.heightCm']);
    expect(await refused(user, { profile: { sex: 'other' } })).toEqual(['body.profile.sex']);
    expect(await refused(user, { settings: { preferredUnits: 'furlongs' } })).toEqual(['body.settings.preferredUnits']);
    expect(await refused(user, { baselines: { restingHr: 20 } })).toEqual(['body.baselines.restingHr']);
    expect(await refused(user, { baselines: { hrvRmssd: 0 } })).toEqual(['body.baselines.hrvRmssd']);
    expect(await refused(user, { settings: { notificationPreferences: { riskAlert: 'yes' } } })).toEqual(['body.settings.notificationPreferences.riskAlert']);
    expect(await refused(user, { profile: { wieghtKg: 70 } })).toEqual(['body.profile.wieghtKg']);
    expect(await refused(user, { email: 'new@example.com' })).toEqual(['body.email']);
    expect(await refused(user, { responder: { classification: 'high' } })).toEqual(['body.responder']);
    expect(await refused(user, { settings: { researchConsent: 'yes' } })).toEqual(['body.settings.researchConsent']);
    expect(await get(user)).toMatchObject({ baselines: { maxHr: null }, profile: { weightKg: null } });
  });

  it('wants a date of birth in the past and an age of 10 to 100, in the user’s own zone', async () => {
    setClock({ now: () => new Date('2026-05-01T12:00:00Z') }); // already 2026-05-02 in Kiritimati (UTC+14)
    const user = await createTestUser(local.db, { time_zone: 'Pacific/Kiritimati' });
    expect(await refused(user, { profile: { dob: '2026-05-03' } }, 'a birth after the user’s local today')).toEqual(['body.profile.dob']);
    expect(await refused(user, { profile: { dob: '2016-05-03' } }, 'too young on the user’s local today')).toEqual(['body.profile.dob']); // 9 years old
    expect((await patch(user, { profile: { dob: '2016-05-02' } })).status).toBe(200); // 10 today
    expect(await refused(user, { profile: { dob: '1925-05-02' } }, 'too old on the user’s local today')).toEqual(['body.profile.dob']); // 101 today
    expect((await patch(user, { profile: { dob: '1925-05-03' } })).status).toBe(200); // 100 until tomorrow
    expect(await refused(user, { profile: { dob: '2026-02-30' } })).toEqual(['body.profile.dob']);
  });

  it('keeps heart-rate baselines in order, across separate requests', async () => {
    const user = await createTestUser(local.db);
    expect((await patch(user, { baselines: { maxHr: 185 } })).status).toBe(200);
    expect(await refused(user, { baselines: { restingHr: 60, lactateThresholdHr: 190 } }, 'threshold above the stored max HR')).toEqual([
      'body.baselines.lactateThresholdHr',
    ]);
    expect((await patch(user, { baselines: { restingHr: 60, lactateThresholdHr: 165 } })).status).toBe(200);
    expect(await refused(user, { baselines: { maxHr: 160 } }, 'max HR below the stored threshold')).toEqual(['body.baselines.maxHr']);
  });

  it('records research consent: opt-in, and withdrawn as easily', async () => {
    const user = await createTestUser(local.db);
    expect(((await (await patch(user, { settings: { researchConsent: true } })).json()) as Me).settings.researchConsent).toBe(true);
    expect(((await (await patch(user, { settings: { researchConsent: false } })).json()) as Me).settings.researchConsent).toBe(false);
  });

  it('shows the weekly responder class with its evidence; the athlete cannot set it', async () => {
    const user = await createTestUser(local.db);
    const evidence = {
      reason: 'insufficient_data',
      missing: ['easy runs'],
      window: { from: '2026-01-01', to: '2026-04-22', weeksWithHr: 2, spanWeeks: 2, easyRuns: 3 },
      efficiency: null,
      chronicLoad: { start: 0, end: 100, changePct: 100 },
      hrv: null,
      restingHr: null,
      rpeAtPace: null,
      score: null,
      expectedGainPct: null,
    };
    await local.db
      .updateTable('users')
      .set({
        responder_classification: 'moderate',
        responder_evidence: JSON.stringify({ ...evidence, reason: null, missing: [] }),
        responder_updated_at: '2026-04-22T03:00:00Z',
      })
      .where('id', '=', user.userId)
      .execute();
    const me = await get(user);
    expect(me.responder).toEqual({ classification: 'moderate', evidence: { ...evidence, reason: null, missing: [] }, updatedAt: '2026-04-22T03:00:00.000Z' });
    expect(await refused(user, { responder: { classification: 'high' } })).toEqual(['body.responder']);
    expect((await get(user)).responder.classification).toBe('moderate');
  });
});
