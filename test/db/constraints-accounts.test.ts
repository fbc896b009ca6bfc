// The database itself refuses impossible account, vendor and notification rows, whichever code path
// writes them (test/support/rows.ts makes the valid rows each case changes one thing in).
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Db } from '#shared/db/connection';
import { testDb, type TestDb } from '#test/support/db';
import { type Case, rejected, type Rows, rowFactories, sha256Hex, twoOwners } from '#test/support/rows';

let t: TestDb;
let db: Db;
let newUser: Rows['newUser'];
let insert: Rows['insert'];
let user: string;
let otherUser: string;
let activity: string;
let plan: string;

beforeAll(async () => {
  t = await testDb();
  db = t.db;
  ({ newUser, insert } = rowFactories(db));
  ({ user, otherUser, activity, plan } = await twoOwners({ newUser, insert }));
});
afterAll(async () => {
  await t?.close();
});

describe('the valid rows the cases start from', () => {
  it('are accepted in every table', async () => {
    await insert.refreshTokens(user);
    await insert.vendorConnections(user);
    await insert.ingestRejections(user);
    await insert.activitySamples(user, activity);
    await insert.dailyMetrics(user);
    await insert.scheduledWorkouts(user, plan);
    await insert.rollingStats(user);
    await insert.riskAlerts(user);
    await insert.pendingTasks(user, activity);
    await insert.notifications(user);
  });
});

describe('users', () => {
  const cases: Case[] = [
    ['an email with capitals', () => insert.users({ email: 'Runner@Example.com' }), 'users_email_lower_case_check'],
    ['an email that is no address', () => insert.users({ email: 'runner' }), 'users_email_format_check'],
    ['no credential at all', () => insert.users({ password_hash: null }), 'users_credential_check'],
    ['a blank time zone', () => insert.users({ time_zone: ' ' }), 'users_time_zone_check'],
    ['an unknown sex', () => insert.users({ sex: 'other' as never }), 'users_sex_check'],
    ['unknown units', () => insert.users({ preferred_units: 'furlongs' as never }), 'users_preferred_units_check'],
    ['a weight of 20 kg', () => insert.users({ weight_kg: 20 }), 'users_weight_kg_check'],
    ['a height of 300 cm', () => insert.users({ height_cm: 300 }), 'users_height_cm_check'],
    ['a max HR of 250', () => insert.users({ max_hr: 250 }), 'users_max_hr_check'],
    ['a resting HR of 130', () => insert.users({ resting_hr: 130 }), 'users_resting_hr_check'],
    ['an HRV baseline of 0 ms', () => insert.users({ hrv_rmssd: 0 }), 'users_hrv_rmssd_check'],
    ['a threshold HR above max HR', () => insert.users({ resting_hr: 50, lactate_threshold_hr: 195, max_hr: 190 }), 'users_hr_order_check'],
    ['a resting HR equal to max HR', () => insert.users({ resting_hr: 120, max_hr: 120 }), 'users_hr_order_check'],
    ['a week starting on day 8', () => insert.users({ week_start_day: 8 }), 'users_week_start_day_check'],
    ['a responder class without its date and evidence', () => insert.users({ responder_classification: 'high' }), 'users_responder_judged_check'],
    [
      "the retired 'average' responder class",
      () => insert.users({ responder_classification: 'average' as never, responder_updated_at: new Date(), responder_evidence: '{}' }),
      'users_responder_classification_check',
    ],
    ['notification preferences that are not an object', () => insert.users({ notification_preferences: '[]' }), 'users_notification_preferences_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('holds an address once, whatever its case: a second one in other case is not lower case', async () => {
    await insert.users({ email: 'runner@example.com' });
    await rejected(insert.users({ email: 'runner@example.com' }), 'users_email_key');
    await rejected(insert.users({ email: 'Runner@Example.com' }), 'users_email_lower_case_check');
  });

  it('links an Apple account to one user only', async () => {
    await insert.users({ password_hash: null, apple_sub: 'apple-001' });
    await rejected(insert.users({ password_hash: null, apple_sub: 'apple-001' }), 'users_apple_sub_key');
  });
});

describe('refresh_tokens', () => {
  const cases: Case[] = [
    ['a token stored in clear', () => insert.refreshTokens(user, { token_hash: 'dGhpcyBpcyBhIHJhdyB0b2tlbg' }), 'refresh_tokens_token_hash_check'],
    ['an expiry before issue', () => insert.refreshTokens(user, { expires_at: '2020-01-01T00:00:00Z' }), 'refresh_tokens_expires_at_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('rejects a hash stored twice', async () => {
    const token_hash = sha256Hex();
    await insert.refreshTokens(user, { token_hash });
    await rejected(insert.refreshTokens(user, { token_hash }), 'refresh_tokens_token_hash_key');
  });

  it('chains a rotation only after use and only within one user', async () => {
    const next = await insert.refreshTokens(user);
    await rejected(insert.refreshTokens(user, { replaced_by: next }), 'refresh_tokens_replaced_by_check');
    await rejected(insert.refreshTokens(otherUser, { replaced_by: next, used_at: new Date() }), 'refresh_tokens_replaced_by_fkey');
    await insert.refreshTokens(user, { replaced_by: next, used_at: new Date() });
    await rejected(insert.refreshTokens(user, { replaced_by: next, used_at: new Date() }), 'refresh_tokens_replaced_by_key');
  });
});

describe('vendor_connections', () => {
  const cases: Case[] = [
    ['an unknown vendor', () => insert.vendorConnections(user, { vendor: 'polar' as never }), 'vendor_connections_vendor_check'],
    [
      'a disconnected link that keeps its tokens',
      () => insert.vendorConnections(user, { status: 'disconnected', disconnected_at: new Date() }),
      'vendor_connections_tokens_check',
    ],
    [
      'a disconnected link without its date',
      () =>
        insert.vendorConnections(user, {
          status: 'disconnected',
          access_token_ciphertext: null,
          refresh_token_ciphertext: null,
        }),
      'vendor_connections_disconnected_at_check',
    ],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('links one vendor account to one user, and one account per vendor to a user', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await insert.vendorConnections(a, { vendor: 'garmin', vendor_user_id: 'g-42' });
    await rejected(insert.vendorConnections(b, { vendor: 'garmin', vendor_user_id: 'g-42' }), 'vendor_connections_vendor_user_id_key');
    await rejected(insert.vendorConnections(a, { vendor: 'garmin' }), 'vendor_connections_user_id_vendor_key');
    await insert.vendorConnections(b, { vendor: 'strava', vendor_user_id: 'g-42' });
  });
});

describe('ingest_rejections', () => {
  const cases: Case[] = [
    ['an unknown vendor', () => insert.ingestRejections(user, { vendor: 'manual' as never }), 'ingest_rejections_vendor_check'],
    ['an empty reason', () => insert.ingestRejections(user, { reason: '' }), 'ingest_rejections_reason_check'],
    ['a summary that is not an object', () => insert.ingestRejections(user, { payload_summary: '[1]' }), 'ingest_rejections_payload_summary_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));
});

describe('notifications', () => {
  const cases: Case[] = [
    ['a blank title', () => insert.notifications(user, { title: '  ' }), 'notifications_title_check'],
    ['an unknown kind', () => insert.notifications(user, { kind: 'spam' as never }), 'notifications_kind_check'],
    ['data that is not an object', () => insert.notifications(user, { data: '[]' }), 'notifications_data_check'],
  ];
  it.each(cases)('rejects %s', async (_, write, constraint) => rejected(write(), constraint));

  it('sends a notification with a dedupe key once per user', async () => {
    await insert.notifications(user, { dedupe_key: 'risk_alert:2024-04-18' });
    await rejected(insert.notifications(user, { dedupe_key: 'risk_alert:2024-04-18' }), 'notifications_user_id_dedupe_key_key');
    await insert.notifications(otherUser, { dedupe_key: 'risk_alert:2024-04-18' });
  });
});
