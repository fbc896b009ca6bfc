// The account's profile, settings, baselines and responder class: read as one document, patched in one
// transaction (the row is locked so the cross-field rules see the values they are about to change).
import { Unprocessable, NotFound, type FieldError } from '#shared/errors';
import { fieldError } from '#shared/field-errors';
import type { Transaction } from 'kysely';
import type { Conn, Db } from '#shared/db/connection';
import type { Database, NotificationPreferences, UserRow, UserUpdate } from '#shared/db/schema';
import { localDateOf } from '#shared/domain/dates';
import { notificationPreferenceKeys, type Me, type UpdateMe } from '#shared/contracts/me';
import { recomputeTrimpHistory, trimpBaselinesChanged } from '#shared/activities/trimp-history';
import { publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { homeChanged } from '#shared/home/cache';

/** What GET /me shows; the sync feed reads the same columns. */
export const PROFILE_COLUMNS = [
  'id',
  'email',
  'dob',
  'sex',
  'weight_kg',
  'height_cm',
  'preferred_units',
  'time_zone',
  'week_start_day',
  'notification_preferences',
  'resting_hr',
  'hrv_rmssd',
  'max_hr',
  'lactate_threshold_hr',
  'responder_classification',
  'responder_updated_at',
  'responder_evidence',
  'research_consent',
] as const;
type ProfileRow = Pick<UserRow, (typeof PROFILE_COLUMNS)[number]>;

type PreferenceKey = keyof typeof notificationPreferenceKeys;
const preferenceEntries = Object.entries(notificationPreferenceKeys) as Array<[PreferenceKey, (typeof notificationPreferenceKeys)[PreferenceKey]]>;

export function toMe(row: ProfileRow): Me {
  const stored = row.notification_preferences ?? {};
  // Every kind, on unless turned off: a new user sees the six keys it can change (and what it gets).
  const notificationPreferences: Me['settings']['notificationPreferences'] = {};
  for (const [key, kind] of preferenceEntries) notificationPreferences[key] = stored[kind] !== false;
  return {
    id: row.id,
    email: row.email,
    profile: { dob: row.dob, sex: row.sex, weightKg: row.weight_kg, heightCm: row.height_cm },
    settings: {
      preferredUnits: row.preferred_units,
      timeZone: row.time_zone,
      weekStartDay: row.week_start_day,
      notificationPreferences,
      researchConsent: row.research_consent,
    },
    baselines: {
      restingHr: row.resting_hr,
      hrvRmssd: row.hrv_rmssd,
      maxHr: row.max_hr,
      lactateThresholdHr: row.lactate_threshold_hr,
    },
    responder: {
      classification: row.responder_classification,
      evidence: (row.responder_evidence as Me['responder']['evidence']) ?? null,
      updatedAt: row.responder_updated_at ? row.responder_updated_at.toISOString() : null,
    },
  };
}

export async function getMe(db: Conn, userId: string): Promise<Me> {
  const row = await db.selectFrom('users').select(PROFILE_COLUMNS).where('id', '=', userId).executeTakeFirst();
  if (!row) throw new NotFound('No such account');
  return toMe(row);
}

/** Full years from dob to today (both calendar dates). */
export function ageOn(dob: string, today: string): number {
  const [y1, m1, d1] = dob.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = today.split('-').map(Number) as [number, number, number];
  return y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0);
}

export const MIN_AGE = 10;
export const MAX_AGE = 100;

/** Rules that need more than one field or "now": checked on the merged result of the patch. */
export function crossFieldErrors(merged: ProfileRow, patch: UpdateMe, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (patch.profile?.dob != null || patch.settings?.timeZone !== undefined) {
    const dob = merged.dob;
    if (dob) {
      const today = localDateOf(now, merged.time_zone);
      const field = patch.profile?.dob != null ? 'body.profile.dob' : 'body.settings.timeZone';
      if (dob >= today) errors.push(fieldError(field, 'must be in the past'));
      else {
        const age = ageOn(dob, today);
        if (age < MIN_AGE || age > MAX_AGE) errors.push(fieldError(field, `must give an age from ${MIN_AGE} to ${MAX_AGE}`));
      }
    }
  }
  // Unknown baselines never conflict; known ones must be ordered resting < threshold < max.
  const { resting_hr: rest, lactate_threshold_hr: lt, max_hr: max } = merged;
  const touched = (k: keyof NonNullable<UpdateMe['baselines']>) => patch.baselines?.[k] !== undefined;
  const blame = (...keys: Array<keyof NonNullable<UpdateMe['baselines']>>) => `body.baselines.${keys.find(touched) ?? keys[0]}`;
  if (rest != null && max != null && rest >= max) errors.push({ field: blame('restingHr', 'maxHr'), message: 'resting HR must be below max HR' });
  if (rest != null && lt != null && rest >= lt)
    errors.push({ field: blame('lactateThresholdHr', 'restingHr'), message: 'lactate threshold HR must be above resting HR' });
  if (lt != null && max != null && lt >= max)
    errors.push({ field: blame('lactateThresholdHr', 'maxHr'), message: 'lactate threshold HR must be below max HR' });
  return errors;
}

function toUpdate(patch: UpdateMe, current: ProfileRow): UserUpdate {
  const u: UserUpdate = {};
  const { profile, settings, baselines } = patch;
  if (profile?.dob !== undefined) u.dob = profile.dob;
  if (profile?.sex !== undefined) u.sex = profile.sex;
  if (profile?.weightKg !== undefined) u.weight_kg = profile.weightKg;
  if (profile?.heightCm !== undefined) u.height_cm = profile.heightCm;
  if (settings?.preferredUnits !== undefined) u.preferred_units = settings.preferredUnits;
  if (settings?.timeZone !== undefined) u.time_zone = settings.timeZone;
  if (settings?.weekStartDay !== undefined) u.week_start_day = settings.weekStartDay;
  // Withdrawing consent takes effect for every export made after it (shared/research/).
  if (settings?.researchConsent !== undefined) u.research_consent = settings.researchConsent;
  if (settings?.notificationPreferences !== undefined) {
    // Merged per kind: sending { riskAlert: false } does not reset the others.
    const next: NotificationPreferences = { ...(current.notification_preferences ?? {}) };
    for (const [key, kind] of preferenceEntries) {
      const value = settings.notificationPreferences[key];
      if (value !== undefined) next[kind] = value;
    }
    u.notification_preferences = JSON.stringify(next);
  }
  if (baselines?.restingHr !== undefined) u.resting_hr = baselines.restingHr;
  if (baselines?.hrvRmssd !== undefined) u.hrv_rmssd = baselines.hrvRmssd;
  if (baselines?.maxHr !== undefined) u.max_hr = baselines.maxHr;
  if (baselines?.lactateThresholdHr !== undefined) u.lactate_threshold_hr = baselines.lactateThresholdHr;
  return u;
}

/**
 * PATCH /me inside the caller's transaction (onboarding's): the profile row changes; the events it queues (a TRIMP
 * history recompute when HR baselines change) are the caller's to publish after its commit.
 */
export async function updateProfile(trx: Transaction<Database>, userId: string, patch: UpdateMe, now: Date): Promise<{ me: Me; enqueued: EnqueuedEvent[] }> {
  const current = await trx.selectFrom('users').select(PROFILE_COLUMNS).where('id', '=', userId).forUpdate().executeTakeFirst();
  if (!current) throw new NotFound('No such account');
  const update = toUpdate(patch, current);
  const merged: ProfileRow = {
    ...current,
    ...(update as Partial<ProfileRow>),
    notification_preferences: current.notification_preferences,
  };
  const errors = crossFieldErrors(merged, patch, now);
  if (errors.length > 0) throw new Unprocessable(errors);
  if (Object.keys(update).length === 0) return { me: toMe(current), enqueued: [] };
  const row = await trx.updateTable('users').set(update).where('id', '=', userId).returning(PROFILE_COLUMNS).executeTakeFirstOrThrow();
  // New HR baselines put the whole TRIMP history on the new scale (and the load series follows).
  const enqueued = trimpBaselinesChanged(current, row) ? await recomputeTrimpHistory(trx, userId, row) : [];
  return { me: toMe(row), enqueued };
}

/** PATCH /me: the profile in its own transaction, then its events published and the home screen dropped. */
export async function updateMe(db: Db, publisher: EventPublisher, userId: string, patch: UpdateMe, now: Date): Promise<Me> {
  const { me, enqueued } = await db.transaction().execute((trx) => updateProfile(trx, userId, patch, now));
  await publishEnqueued(db, publisher, enqueued);
  await homeChanged(userId);
  return me;
}
