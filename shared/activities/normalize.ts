// The normalization worker's logic: a batch of ActivityReceived messages becomes activity changes
// (one transaction for the whole batch, set-based), daily metrics, and vendor link updates.
//
// Per message: load the payload (inline or claim check), parse it with the vendor's own schema (a payload
// that does not parse is poison: it fails until the DLQ), resolve the vendor's user to ours (one lookup per
// vendor per batch; unknown or disconnected users are dropped with a log line, not retried), fetch Strava
// activities (events carry ids only), then map. A Strava rate limit puts the message back with a delay.
// If the batch transaction fails, each message is retried alone, so only the one at fault is reported.
import type { SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import type { Db } from '#shared/db/connection';
import type { ConnectedVendor } from '#shared/db/schema';
import type { EventDetail } from '#shared/events/catalogue';
import { publishEnqueued, type EnqueuedEvent } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { isPermanent } from '#shared/errors';
import { logger } from '#shared/logger';
import type { DailyMetricCandidate } from '#shared/domain/activity-candidate';
import { mapAppleRelay } from '#shared/vendors/apple/relay';
import { type GarminPush, garminDeregisteredUserIds, garminPermissionChanges, mapGarminActivities, mapGarminWellness } from '#shared/vendors/garmin/push';
import {
  type ClaimCheckReader,
  type ReceivedPayload,
  receivedPayloadSchemas,
  type ReceivedVendor,
  type StravaActivities,
  type VendorConnections,
  type VendorLink,
  type VendorUserRef,
} from '#shared/vendors/ports';
import { mapStravaActivity, type StravaActivity } from '#shared/vendors/strava/activity';
import { classifyStravaEvent } from '#shared/vendors/strava/webhook';
import { vendorFailureAction } from '#shared/vendors/strava/client';
import type { ActivityOp, OpResult } from './activity-ops';
import { applyActivityOps } from './service';
import { homeChanged } from '#shared/home/cache';

export interface ReceivedMessage {
  messageId: string;
  record: SQSRecord;
  detail: EventDetail<'ActivityReceived'>;
  /** The envelope's time: when the vendor's news reached us (revocations older than a reconnection are stale). */
  time: string;
}

export interface NormalizeDeps {
  db: Db;
  connections: VendorConnections;
  strava: StravaActivities;
  claimChecks: ClaimCheckReader;
  publisher: EventPublisher;
  /** 'requeued': a delayed copy is queued (this delivery is done); otherwise this delivery must fail to come back. */
  requeue: (record: SQSRecord, delaySeconds: number) => Promise<'requeued' | 'visibility-extended'>;
  /** Merges vendor wellness into the user's days and announces DailyMetricLogged (shared/metrics/daily-metrics.ts). */
  dailyMetrics: (userId: string, days: DailyMetricCandidate[], now: Date) => Promise<void>;
  /** Strava calls in flight at once. */
  stravaConcurrency?: number;
  /** Our Strava subscription, when known: another subscription's events are dropped here, not refused at the webhook. */
  stravaSubscriptionId?: () => Promise<number | undefined>;
}

/** What one message asks for once its vendor users are known. */
interface Work {
  message: ReceivedMessage;
  ops: ActivityOp[];
  wellness: Array<{ userId: string; days: DailyMetricCandidate[] }>;
}

type Parsed = { [V in ReceivedVendor]: { vendor: V; payload: ReceivedPayload<V> } }[ReceivedVendor];

/** The message is done with, deliberately, without changing anything (not retried). */
function drop(message: ReceivedMessage, reason: string, extra: Record<string, unknown> = {}): null {
  logger.info('activity event dropped', { messageId: message.messageId, vendor: message.detail.vendor, eventKey: message.detail.eventKey, reason, ...extra });
  return null;
}

export function createNormalizer(deps: NormalizeDeps) {
  // Strava's budget is per application: once it is spent, waiting messages go straight back to the
  // queue instead of each asking Strava again (and being refused again).
  let stravaPausedUntil = 0;

  async function parse(message: ReceivedMessage): Promise<Parsed> {
    const { detail } = message;
    const raw = detail.payload !== undefined ? detail.payload : detail.claimCheck ? await deps.claimChecks.read(detail.claimCheck) : undefined;
    if (raw === undefined) throw new Error('ActivityReceived has neither a payload nor a claim check');
    return { vendor: detail.vendor, payload: receivedPayloadSchemas[detail.vendor].parse(raw) } as Parsed;
  }

  /** One lookup per vendor for every vendor user of the batch. */
  async function resolveAll(parsed: ReadonlyMap<ReceivedMessage, Parsed>): Promise<Map<ConnectedVendor, Map<string, VendorLink>>> {
    const refs: Record<ConnectedVendor, Map<string, VendorUserRef>> = { strava: new Map(), garmin: new Map() };
    for (const p of parsed.values()) {
      if (p.vendor === 'strava') refs.strava.set(String(p.payload.owner_id), { vendorUserId: String(p.payload.owner_id) });
      if (p.vendor === 'garmin') for (const ref of garminUsers(p.payload)) refs.garmin.set(ref.vendorUserId, ref);
    }
    const out = new Map<ConnectedVendor, Map<string, VendorLink>>();
    for (const vendor of ['strava', 'garmin'] as const) {
      out.set(vendor, refs[vendor].size > 0 ? await deps.connections.resolve(vendor, [...refs[vendor].values()]) : new Map());
    }
    return out;
  }

  /** Turns one parsed message into work; null when the message is done with already (dropped or requeued). */
  async function prepare(message: ReceivedMessage, p: Parsed, links: Map<ConnectedVendor, Map<string, VendorLink>>, at: Date): Promise<Work | null> {
    const work: Work = { message, ops: [], wellness: [] };
    const occurredAt = new Date(message.time);

    if (p.vendor === 'strava') {
      // Strava's events are unsigned and their ids guessable: nothing an event claims is acted on until
      // Strava itself confirms it, and each confirmation spends the athlete's budget for unverified events.
      const action = classifyStravaEvent(p.payload, await deps.stravaSubscriptionId?.());
      if (action.kind === 'ignore') return drop(message, action.reason);
      const link = links.get('strava')!.get(action.athleteId);
      if (!link) return drop(message, 'unknown or disconnected Strava athlete');
      const budget = await deps.strava.spendEventCall(link);
      if (!budget.ok) return waitForBudget(message, budget.retryAfterSeconds);
      if (action.kind === 'deauthorize') {
        const stillAuthorized = await askStrava(message, () => deps.strava.stillAuthorized(link), at);
        if (stillAuthorized === null) return null;
        if (stillAuthorized) return drop(message, 'deauthorization not confirmed: Strava still accepts our token');
        await deps.connections.revoke('strava', action.athleteId, new Date(p.payload.event_time * 1000));
        return drop(message, 'athlete deauthorized: link revoked');
      }
      if (action.kind === 'activity-delete') {
        const gone = await askStrava(message, () => deps.strava.activityGone(link, action.activityId), at);
        if (gone === null) return null;
        if (!gone) return drop(message, 'delete not confirmed: Strava still has the activity');
        work.ops.push({ kind: 'delete', userId: link.userId, source: 'strava', externalId: action.activityId });
        return work;
      }
      const activity = await fetchStrava(message, link, action.activityId, at);
      if (!activity) return null;
      if (activity.athlete !== undefined && String(activity.athlete.id) !== action.athleteId) {
        return drop(message, "the activity belongs to another athlete than the event's owner");
      }
      work.ops.push({ kind: 'upsert', userId: link.userId, candidate: mapStravaActivity(activity), origin: 'vendor' });
      return work;
    }

    if (p.vendor === 'garmin') {
      const garminLinks = links.get('garmin')!;
      // Only users the push authenticated (their access token matched the link) may be revoked or rescoped.
      for (const garminUserId of garminDeregisteredUserIds(p.payload)) {
        if (garminLinks.has(garminUserId)) await deps.connections.revoke('garmin', garminUserId, occurredAt);
        else drop(message, 'deregistration of an unknown or unauthenticated Garmin user');
      }
      for (const change of garminPermissionChanges(p.payload)) {
        if (!garminLinks.has(change.garminUserId)) continue;
        const at = p.payload.userPermissionsChange?.find((c) => c.userId === change.garminUserId)?.changeTimeInSeconds;
        await deps.connections.updateScopes('garmin', change.garminUserId, change.permissions, at !== undefined ? new Date(at * 1000) : occurredAt);
      }
      for (const { garminUserId, candidate } of mapGarminActivities(p.payload)) {
        const link = garminLinks.get(garminUserId);
        if (link) work.ops.push({ kind: 'upsert', userId: link.userId, candidate, origin: 'vendor' });
        else drop(message, 'unknown or disconnected Garmin user', { externalId: candidate.externalId });
      }
      for (const [garminUserId, days] of mapGarminWellness(p.payload)) {
        const link = garminLinks.get(garminUserId);
        if (link) work.wellness.push({ userId: link.userId, days });
        else drop(message, 'unknown or disconnected Garmin user (wellness)');
      }
      return work;
    }

    // Apple: the relay was authenticated as the user, so the event names them.
    const userId = message.detail.userId;
    if (!userId) throw new Error('an Apple relay event without userId');
    const { activities, dailies } = mapAppleRelay(p.payload);
    for (const candidate of activities) work.ops.push({ kind: 'upsert', userId, candidate, origin: 'vendor' });
    const days = dailies.filter((d) => Object.keys(d).length > 1);
    if (days.length > 0) work.wellness.push({ userId, days });
    return work;
  }

  /** The Strava activity, or null when the message was dropped or put back for later. Other failures throw. */
  async function fetchStrava(message: ReceivedMessage, link: VendorLink, activityId: string, at: Date): Promise<StravaActivity | null> {
    let shown = true;
    const activity = await askStrava(
      message,
      async () => {
        const found = await deps.strava.fetchActivity(link, activityId);
        shown = found !== null;
        return found;
      },
      at,
    );
    return shown ? activity : drop(message, 'Strava no longer shows the activity');
  }

  /** One Strava call with the failure verdicts (wait out a limit, retry, drop); null when the message was dropped or put back. */
  async function askStrava<T>(message: ReceivedMessage, call: () => Promise<T>, at: Date): Promise<T | null> {
    const now = at.getTime();
    if (stravaPausedUntil > now) return waitForStrava(message, (stravaPausedUntil - now) / 1000);
    try {
      return await call();
    } catch (error) {
      const verdict = vendorFailureAction(error);
      if (verdict.action === 'retry') throw error;
      if (verdict.action === 'drop') return drop(message, verdict.reason);
      stravaPausedUntil = Math.max(stravaPausedUntil, now + verdict.delaySeconds * 1000);
      return waitForStrava(message, verdict.delaySeconds);
    }
  }

  /** The athlete's budget for unverified events is spent: the event waits for the next window. */
  async function waitForBudget(message: ReceivedMessage, delaySeconds: number): Promise<null> {
    const outcome = await deps.requeue(message.record, delaySeconds);
    logger.warn('unverified Strava events over budget: message put back', { messageId: message.messageId, delaySeconds, outcome });
    if (outcome !== 'requeued') throw new Error('waiting for the unverified-event budget on this delivery');
    return null;
  }

  /** Puts the message back until the budget resets; null: this delivery is done. */
  async function waitForStrava(message: ReceivedMessage, delaySeconds: number): Promise<null> {
    const outcome = await deps.requeue(message.record, delaySeconds);
    logger.info('Strava rate limit: message put back', { messageId: message.messageId, delaySeconds: Math.ceil(delaySeconds), outcome });
    if (outcome !== 'requeued') throw new Error('waiting for the Strava rate limit on this delivery');
    return null;
  }

  /** Applies the activity changes of these messages in one transaction; publishes after commit. */
  async function applyTogether(works: readonly Work[], at: Date): Promise<void> {
    const ops = works.flatMap((w) => w.ops);
    if (ops.length === 0) return;
    const applied = await deps.db.transaction().execute((trx) => applyActivityOps(trx, ops, { now: at }));
    let i = 0;
    for (const w of works) for (const _ of w.ops) logResult(w.message, applied.results[i++]!);
    await publish(applied.enqueued);
    await homeChanged(...ops.map((op) => op.userId));
  }

  const publish = (enqueued: EnqueuedEvent[]) => publishEnqueued(deps.db, deps.publisher, enqueued);

  async function applyWellness(works: readonly Work[], failed: Set<string>, at: Date): Promise<void> {
    const byUser = new Map<string, { days: Map<string, DailyMetricCandidate>; messages: Set<string> }>();
    for (const w of works) {
      for (const { userId, days } of w.wellness) {
        const entry = byUser.get(userId) ?? { days: new Map(), messages: new Set() };
        // Later messages win value by value: a sleep summary and an HRV summary of one night merge.
        for (const d of days) entry.days.set(d.date, { ...entry.days.get(d.date), ...d });
        entry.messages.add(w.message.messageId);
        byUser.set(userId, entry);
      }
    }
    for (const [userId, { days, messages }] of byUser) {
      try {
        await deps.dailyMetrics(userId, [...days.values()], at);
      } catch (error) {
        // A day the user cannot have lived yet, or a user erased since: retrying cannot help.
        if (isPermanent(error)) {
          logger.info('vendor wellness dropped', { userId, kind: error.kind, reason: error.message.slice(0, 200) });
          continue;
        }
        logger.warn('vendor wellness failed', { userId, errorName: (error as Error).name });
        for (const id of messages) failed.add(id);
      }
    }
  }

  /** `at`: the batch's time, read once by the worker (the Strava pause, validation and the user's today judge against it). */
  return async function normalize(messages: readonly ReceivedMessage[], at: Date): Promise<Set<string>> {
    const failed = new Set<string>();
    const fail = (m: ReceivedMessage, stage: string, error: unknown) => {
      failed.add(m.messageId);
      // A schema failure names the paths only: its message could quote health data.
      const errorMessage = error instanceof ZodError ? error.issues.map((i) => i.path.join('.')).join(', ') : (error as Error).message?.slice(0, 200);
      logger.warn('activity event failed', { messageId: m.messageId, vendor: m.detail.vendor, stage, errorName: (error as Error).name, errorMessage });
    };

    const parsed = new Map<ReceivedMessage, Parsed>();
    await Promise.all(
      messages.map(async (m) => {
        try {
          parsed.set(m, await parse(m));
        } catch (error) {
          fail(m, 'parse', error);
        }
      }),
    );

    let links: Map<ConnectedVendor, Map<string, VendorLink>>;
    try {
      links = await resolveAll(parsed);
    } catch (error) {
      for (const m of parsed.keys()) fail(m, 'resolve', error);
      return failed;
    }

    const works: Work[] = [];
    const ordered = messages.filter((m) => parsed.has(m));
    await mapLimit(ordered, deps.stravaConcurrency ?? 4, async (m) => {
      try {
        const work = await prepare(m, parsed.get(m)!, links, at);
        if (work) works.push(work);
      } catch (error) {
        fail(m, 'prepare', error);
      }
    });
    // Delivery order: an update delivered after its create in the same batch is applied after it.
    works.sort((a, b) => ordered.indexOf(a.message) - ordered.indexOf(b.message));

    try {
      await applyTogether(works, at);
    } catch (error) {
      logger.warn('batch transaction failed; applying message by message', { size: works.length, errorName: (error as Error).name });
      for (const w of works) {
        try {
          await applyTogether([w], at);
        } catch (single) {
          fail(w.message, 'apply', single);
        }
      }
    }
    await applyWellness(
      works.filter((w) => !failed.has(w.message.messageId)),
      failed,
      at,
    );
    return failed;
  };
}

/** Every Garmin user a push names, with the access token it carries (checked against the link). */
function garminUsers(push: GarminPush): VendorUserRef[] {
  const refs = new Map<string, VendorUserRef>();
  for (const list of Object.values(push)) {
    for (const item of (list ?? []) as Array<{ userId: string; userAccessToken?: string }>) {
      if (!refs.has(item.userId))
        refs.set(item.userId, { vendorUserId: item.userId, ...(item.userAccessToken !== undefined && { userAccessToken: item.userAccessToken }) });
    }
  }
  return [...refs.values()];
}

function logResult(message: ReceivedMessage, result: OpResult): void {
  if (result.kind === 'rejected') logger.info('vendor activity rejected', { messageId: message.messageId, vendor: message.detail.vendor, field: result.field });
  else if (result.kind === 'unknown-user') drop(message, 'user no longer exists');
  else if (result.kind === 'not-found') drop(message, 'nothing to delete');
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
