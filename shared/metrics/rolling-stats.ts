// Recomputes a user's rolling stats (load, 7/28-day EWMAs, ACWR, TSB, monotony, strain) from the earliest
// changed day to their local today, and raises the risk alerts the new numbers call for.
//
// State-based, so duplicate, late and reordered deliveries are harmless: the event only says from when; the
// numbers come from the activities. EWMAs are path-dependent, so a change on day D rewrites every day from D
// on, continuing from the stored state of D-1 (continueLoadSeries, proven equal to a full recompute). A change
// before the series start, or a first activity that moved, recomputes everything (computeLoadSeries).
//
// Round trips: one read, one write, and one more only when alerts were announced (their outbox rows are
// deleted once published; if PutEvents fails they stay for the relay). Recomputes of one user are serialized
// optimistically: the write names the load_series.version it read and writes nothing if another recompute
// committed in between; this one then reads again. A lock held across the read and the write would cost a
// transaction (BEGIN, lock, read, write, COMMIT) and hold a connection while JS computes.
import { riskAlerts, type RiskAlert } from '#shared/domain/alerts';
import { addDays, assertIsoWeekday, lastDayOfWeek, localDateOf } from '#shared/domain/dates';
import { computeLoadSeries, continueLoadSeries, dailyLoads, type LoadDay } from '#shared/domain/load';
import type { Db } from '#shared/db/connection';
import { publishEnqueued } from '#shared/events/outbox';
import type { EventPublisher } from '#shared/events/publisher';
import { readSeriesInputs, writeSeries, type AlertWrite, type SeriesInputs } from './rolling-stats-store';
import { homeChanged } from '#shared/home/cache';

/** For a change that moved no load (a check-in): only bring the series up to the local today. */
export const NO_LOAD_CHANGE = '9999-12-31';

/** Alerts about the last 7 days are news and are announced; older ones (a late sync of last month) are history. */
export const ANNOUNCE_DAYS = 7;
const MAX_ATTEMPTS = 6;

export interface RollingStatsDeps {
  db: Db;
  publisher: EventPublisher;
  /** The time of the run: the series reaches the athlete's local today of this instant. */
  now: Date;
}

export interface RecomputeOptions {
  /** How often to read again when another recompute of the same user won the write. */
  maxAttempts?: number;
}

export type RecomputeResult =
  | { outcome: 'no-user' | 'up-to-date'; attempts: number }
  | {
      outcome: 'full' | 'incremental' | 'cleared';
      /** First and last recomputed day (absent when cleared). */
      from?: string;
      to?: string;
      days: number;
      /** New alerts announced by this run (RiskAlertRaised, in the outbox until published). */
      announced: number;
      attempts: number;
    };

export class RecomputeConflictError extends Error {
  constructor(attempts: number) {
    super(`rolling stats kept changing under ${attempts} recomputes; the message will be retried`);
    this.name = 'RecomputeConflictError';
  }
}

interface Plan {
  mode: 'full' | 'incremental' | 'cleared';
  seriesStart: string | null;
  seriesEnd: string | null;
  days: LoadDay[];
  alerts: RiskAlert[];
}

/**
 * Brings the user's rolling stats up to date after a load change on `changedFrom` (an activity's local date),
 * or, with NO_LOAD_CHANGE, up to the local today. Idempotent: run twice, the second run changes no row and
 * raises no alert.
 */
export async function recomputeRollingStats(
  deps: RollingStatsDeps,
  userId: string,
  changedFrom: string,
  options: RecomputeOptions = {},
): Promise<RecomputeResult> {
  const { db, publisher, now } = deps;
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  let from = changedFrom;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const inputs = await readSeriesInputs(db, userId, from);
    if (!inputs) return { outcome: 'no-user', attempts: attempt };
    const today = localDateOf(now, inputs.timeZone);
    const plan = planRecompute(inputs, today);
    if (plan === 'up-to-date') return { outcome: 'up-to-date', attempts: attempt };
    if (plan === 'read-from-first') {
      from = inputs.firstActivityDate!;
      continue;
    }
    const outcome = await writeSeries(db, {
      userId,
      expectedVersion: inputs.stored?.version ?? null,
      seriesStart: plan.seriesStart,
      seriesEnd: plan.seriesEnd,
      trimOutside: movedInwards(inputs.stored, plan),
      days: plan.days,
      alerts: plan.alerts.map(alertWrite),
      announceFrom: addDays(today, -(ANNOUNCE_DAYS - 1)),
      notify: !inputs.riskAlertNotificationsOff,
    });
    if (!outcome.written) {
      await backOff(attempt);
      continue;
    }
    await publishEnqueued(db, publisher, outcome.enqueued);
    // Load, alerts and their notifications all show on the home screen.
    await homeChanged(userId);
    const announced = outcome.enqueued.length;
    return {
      outcome: plan.mode,
      ...(plan.days.length > 0 ? { from: plan.days[0]!.date, to: plan.days[plan.days.length - 1]!.date } : {}),
      days: plan.days.length,
      announced,
      attempts: attempt,
    };
  }
  throw new RecomputeConflictError(maxAttempts);
}

/**
 * What to write, decided from what was read; pure. 'read-from-first': the read did not reach back far enough
 * (the first activity moved while another change was in flight, or the stored series has a hole): read again
 * from the first activity, which recomputes everything.
 */
export function planRecompute(inputs: SeriesInputs, today: string): Plan | 'up-to-date' | 'read-from-first' {
  const { firstActivityDate: first, stored, changedFrom } = inputs;
  if (first === null) {
    // Every activity is gone: so is the series (and its alerts are resolved by the write).
    if (stored === null || stored.seriesStart === null) return 'up-to-date';
    return { mode: 'cleared', seriesStart: null, seriesEnd: null, days: [], alerts: [] };
  }
  // The series starts on the first activity: nothing stored, a change before it, or a first activity that
  // moved (deleted, or marked a duplicate) means recomputing all of it.
  const full = stored === null || stored.seriesStart === null || stored.seriesEnd === null || stored.seriesStart !== first || changedFrom < stored.seriesStart;
  const from = full ? first : maxDate(first, minDate(changedFrom, addDays(stored.seriesEnd!, 1)));
  // Nothing to compute before the first activity's day has begun, or for a change after today.
  if (first > today || from > today) return 'up-to-date';
  const needLoadsFrom = from === first ? first : addDays(from, -6);
  if (inputs.loadsFrom !== null && needLoadsFrom < inputs.loadsFrom) return 'read-from-first';
  assertIsoWeekday(inputs.weekStartDay, 'week_start_day');
  const weekEndsOn = lastDayOfWeek(inputs.weekStartDay);
  let days: LoadDay[];
  if (from === first) {
    days = computeLoadSeries(inputs.loads, { start: first, end: today, weekEndsOn });
  } else {
    const previous = inputs.previous;
    if (previous === null || previous.date !== addDays(from, -1)) return 'read-from-first';
    const all = dailyLoads(inputs.loads, { start: maxDate(first, needLoadsFrom), end: today });
    const split = all.findIndex((day) => day.date === from);
    days = continueLoadSeries(
      previous,
      all.slice(0, split).map((day) => day.load),
      all.slice(split),
      { seriesStart: first, weekEndsOn },
    );
  }
  return { mode: from === first ? 'full' : 'incremental', seriesStart: first, seriesEnd: today, days, alerts: riskAlerts(days) };
}

const fmt = (value: number | null | undefined, digits: number) => (value == null ? 'n/a' : value.toFixed(digits));

/** The alert as stored, with the notification it gets if it is new: plain words, numbers included. */
export function alertWrite(alert: RiskAlert): AlertWrite {
  // Alerts are prompts to look, not diagnoses (science.md §1).
  if (alert.kind === 'acwr') {
    const m = alert.values;
    return {
      kind: alert.kind,
      date: alert.date,
      metrics: m,
      title: 'Training load spike',
      body:
        `On ${alert.date} your last 7 days carried ${fmt(m.acwr, 2)} times your usual 28-day load ` +
        `(acute ${fmt(m.acute, 0)}, chronic ${fmt(m.chronic, 0)}). Consider an easier day or two.`,
    };
  }
  const m = alert.values;
  return {
    kind: alert.kind,
    date: alert.date,
    metrics: m,
    title: 'Very uniform training week',
    body: `${
      m.monotony === null
        ? `In the week ending ${alert.date} every day carried the same load (${fmt(m.weekLoad, 0)} in total). `
        : `In the week ending ${alert.date} your training monotony was ${fmt(m.monotony, 2)} (week load ${fmt(m.weekLoad, 0)}, strain ${fmt(m.strain, 0)}). `
    }Mixing hard and easy days helps you recover.`,
  };
}

/** Whether stored rows may lie outside the new series: it starts later or ends earlier than the stored one. */
function movedInwards(stored: SeriesInputs['stored'], plan: Plan): boolean {
  if (stored === null || stored.seriesStart === null || stored.seriesEnd === null) return false;
  if (plan.seriesStart === null || plan.seriesEnd === null) return true;
  return plan.seriesStart > stored.seriesStart || plan.seriesEnd < stored.seriesEnd;
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

async function backOff(attempt: number): Promise<void> {
  // Jittered, so two recomputes that collided do not collide again.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
}
