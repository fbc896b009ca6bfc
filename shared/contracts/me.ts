// The account as the app sees it (GET /me) and what it may change (PATCH /me). Every value is checked
// here, once, at the edge; cross-field rules (HR order, age in the user's own zone) in shared/account/profile.ts.
import * as z from 'zod';
import { isValidTimeZone } from '#shared/domain/dates';
import { ResponderEvidence } from '#shared/domain/responder';
import { type notificationKinds, preferredUnits, responderClasses, sexes } from '#shared/db/schema';
import { CalendarDate } from './dates';

/** Notification kinds as JSON keys (camelCase), in the order of the database's list. */
export const notificationPreferenceKeys = {
  riskAlert: 'risk_alert',
  planAdapted: 'plan_adapted',
  workoutMissed: 'workout_missed',
  readiness: 'readiness',
  pendingTask: 'pending_task',
  vendorDisconnected: 'vendor_disconnected',
} as const satisfies Record<string, (typeof notificationKinds)[number]>;

const NotificationPreferences = z.strictObject({
  riskAlert: z.boolean().optional(),
  planAdapted: z.boolean().optional(),
  workoutMissed: z.boolean().optional(),
  readiness: z.boolean().optional(),
  pendingTask: z.boolean().optional(),
  vendorDisconnected: z.boolean().optional(),
});

// IANA names only: Intl also accepts offsets such as "+01:00", which have no daylight-saving rules.
const IANA_NAME = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2}|Etc\/[A-Za-z0-9_+-]+)$/;
export const TimeZone = z
  .string()
  .max(64)
  .regex(IANA_NAME, 'must be an IANA time zone such as Europe/Paris')
  .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris', abort: true });

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const MeResponse = z
  .object({
    id: z.uuid(),
    email: z.email(),
    profile: z.object({
      dob: CalendarDate.nullable(),
      sex: z.enum(sexes),
      weightKg: z.number().nullable(),
      heightCm: z.number().nullable(),
    }),
    settings: z.object({
      preferredUnits: z.enum(preferredUnits),
      timeZone: z.string(),
      /** ISO weekday the training week starts on, 1 = Monday. */
      weekStartDay: z.number().int(),
      notificationPreferences: NotificationPreferences,
      /** Opt-in to the anonymized research dataset; false until the athlete says yes. */
      researchConsent: z.boolean(),
    }),
    baselines: z.object({
      restingHr: z.number().nullable(),
      hrvRmssd: z.number().nullable(),
      maxHr: z.number().nullable(),
      lactateThresholdHr: z.number().nullable(),
    }),
    /** Computed weekly (shared/domain/responder.ts): a class, or null with the reason in evidence. */
    responder: z.object({
      classification: z.enum(responderClasses).nullable(),
      evidence: ResponderEvidence.nullable(),
      updatedAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  })
  .meta({
    id: 'Me',
    examples: [
      {
        id: '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11',
        email: 'ana@example.com',
        profile: { dob: '1990-04-12', sex: 'female', weightKg: 58, heightCm: 168 },
        settings: {
          preferredUnits: 'metric',
          timeZone: 'Europe/Paris',
          weekStartDay: 1,
          notificationPreferences: { riskAlert: true, planAdapted: true, workoutMissed: true, readiness: true, pendingTask: true, vendorDisconnected: true },
          researchConsent: false,
        },
        baselines: { restingHr: 50, hrvRmssd: 62.5, maxHr: 190, lactateThresholdHr: 172 },
        responder: { classification: null, evidence: null, updatedAt: null },
      },
    ],
  });
export type Me = z.infer<typeof MeResponse>;

// Strict objects: a misspelt field is a 422 naming it, not a silent no-op. null clears a value.
export const UpdateMeBody = z
  .strictObject({
    profile: z
      .strictObject({
        dob: CalendarDate.nullable().optional(),
        sex: z.enum(sexes).optional(),
        weightKg: z.number().min(25).max(300).nullable().optional(),
        heightCm: z.number().min(100).max(250).nullable().optional(),
      })
      .optional(),
    settings: z
      .strictObject({
        preferredUnits: z.enum(preferredUnits).optional(),
        timeZone: TimeZone.optional(),
        weekStartDay: int(1, 7).optional(),
        notificationPreferences: NotificationPreferences.optional(),
        researchConsent: z.boolean().optional(),
      })
      .optional(),
    baselines: z
      .strictObject({
        restingHr: int(25, 120).nullable().optional(),
        hrvRmssd: z.number().gt(0).lt(500).nullable().optional(),
        maxHr: int(120, 230).nullable().optional(),
        lactateThresholdHr: int(25, 250).nullable().optional(),
      })
      .optional(),
  })
  .meta({ id: 'UpdateMeBody', examples: [{ settings: { timeZone: 'Europe/Paris' }, baselines: { restingHr: 48 } }] });
export type UpdateMe = z.infer<typeof UpdateMeBody>;
