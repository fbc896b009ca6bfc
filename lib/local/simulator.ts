// The season simulator: one synthetic athlete through the real local runtime (HTTP routes, authorizer, bus,
// queues, schedules) on a virtual clock, day by day. It is an API client and nothing else: every read and write
// goes over HTTP, and the only thing it drives directly is time (the clock, and the schedules of the hour after
// local midnight, as EventBridge would run them).
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { setClock, type Clock } from '#shared/clock';
import type { Home } from '#shared/contracts/home';
import type { LoadReport as LoadReportSchema } from '#shared/contracts/metrics';
import type { PlanChange, PlanChangeList, Workout } from '#shared/contracts/plans';
import { createDb, type Db } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import type { WorkoutType } from '#shared/db/schema';
import { addDays, daysBetween, localDateOf } from '#shared/domain/dates';
import { functions } from '#lib/topology';
import { isSchedule, type FunctionSpec } from '#shared/topology-types';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import type { Expectation, Scenario, ScenarioAction, ScenarioActivity } from './scenario';

type LoadReport = z.infer<typeof LoadReportSchema>;

export interface SimulatedDay {
  date: string;
  light: 'green' | 'yellow' | 'red' | null;
  /** The plan API's workout as it stood at 07:00 (adaptation included); null on a rest day. */
  workout: Workout | null;
  did: { durationMinutes: number; rpe: number; type: string } | null;
  metrics: { load: number; acute: number; chronic: number; acwr: number | null; tsb: number; monotony: number | null } | null;
  planVersion: number | null;
  notifications: { kind: string; title: string; body: string }[];
  alerts: { kind: string }[];
}

export interface SimulationResult {
  days: SimulatedDay[];
  changes: PlanChange[];
  /** Expectations that did not hold, in words; empty when every rule fired. */
  failures: string[];
}

/** The instant of a wall-clock time in a zone (the first one, on a DST fold). */
export function instantAt(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let instant = wall - offsetMs(new Date(wall), timeZone);
  instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** ISO 8601 with the zone's offset at that instant, as the app sends it. */
function isoWithOffset(instant: Date, timeZone: string): string {
  const offset = offsetMs(instant, timeZone) / 60_000;
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The activity type an athlete doing the workout as planned records. */
const ACTIVITY_FOR: Record<WorkoutType, string> = {
  easy: 'run',
  long_run: 'long_run',
  tempo: 'tempo',
  interval: 'interval',
  recovery: 'recovery',
  race: 'race',
  strength: 'strength',
  cross_training: 'cross_training',
};

class VirtualClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return this.instant;
  }
  set(instant: Date): void {
    this.instant = instant;
  }
}

class ApiClient {
  private access = '';
  private refresh = '';
  private issuedAt = 0;
  constructor(
    private readonly runtime: LocalRuntime,
    private readonly clock: VirtualClock,
  ) {}

  async register(): Promise<void> {
    const pair = await this.call<{ accessToken: string; refreshToken: string }>(
      'POST',
      '/api/v1/auth/register',
      {
        email: `simulated-${randomBytes(6).toString('hex')}@example.com`,
        password: randomBytes(12).toString('hex'),
      },
      201,
      false,
    );
    this.keep(pair);
  }

  /** Access tokens live 15 minutes of virtual time: refresh through the API when the clock has moved on. */
  private refreshing: Promise<void> | null = null;

  private async token(): Promise<string> {
    if (this.clock.now().getTime() - this.issuedAt > 10 * 60_000) {
      // Concurrent calls share one refresh: a refresh token is single-use (reuse revokes the chain).
      this.refreshing ??= this.call<{ accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/refresh', { refreshToken: this.refresh }, 200, false)
        .then((pair) => this.keep(pair))
        .finally(() => (this.refreshing = null));
      await this.refreshing;
    }
    return this.access;
  }

  private keep(pair: { accessToken: string; refreshToken: string }): void {
    this.access = pair.accessToken;
    this.refresh = pair.refreshToken;
    this.issuedAt = this.clock.now().getTime();
  }

  async call<T>(method: string, path: string, body?: unknown, expected: number | number[] = [200, 201], auth = true): Promise<T> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Bearer ${await this.token()}`;
    const res = await fetch(`${this.runtime.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!(Array.isArray(expected) ? expected : [expected]).includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 600)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface SimulateOptions {
  /** A migrated database to run on (tests); default a fresh embedded PGlite. */
  db?: Db;
  /** The topology to run (default lib/topology.ts). */
  topology?: Record<string, FunctionSpec>;
}

export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const topology = options.topology ?? functions;
  const zone = scenario.timeZone;
  const clock = new VirtualClock(instantAt(scenario.start, '06:00', zone));
  setClock(clock);
  const db = options.db ?? createDb({});
  if (!options.db) await migrateToLatest(db);
  const runtime = await startLocalRuntime({ topology, port: 0, db, timeScale: 0.001, schedules: false, log: () => undefined });
  const schedules = Object.entries(topology)
    .filter(([, spec]) => isSchedule(spec))
    .map(([name]) => name);
  const api = new ApiClient(runtime, clock);
  const at = async (date: string, time: string) => clock.set(instantAt(date, time, zone));

  try {
    await api.register();
    await api.call('PATCH', '/api/v1/me', { settings: { timeZone: zone } });
    for (const h of scenario.history ?? []) await postActivity(api, addDays(scenario.start, h.day), h, zone);
    await runtime.drain();

    const days: SimulatedDay[] = [];
    const seenNotifications = new Set<string>();
    for (let i = 0; i < scenario.days; i++) {
      const date = addDays(scenario.start, i);
      const events = scenario.events.filter((e) => e.day === i);
      await at(date, '06:30');
      if (i === 0) {
        await api.call('POST', '/api/v1/onboarding', scenario.onboarding, [200, 201]);
        await runtime.drain();
      }
      const checkIn = events.find((e) => e.checkIn)?.checkIn ?? scenario.checkIn;
      if (checkIn) await api.call('POST', '/api/v1/daily-metrics', { date, ...checkIn });
      await runtime.drain();
      const regenerate = events.find((e) => e.regenerate)?.regenerate;
      if (regenerate) {
        await at(date, '06:45');
        await api.call('POST', '/api/v1/plan/regenerate', regenerate);
        await runtime.drain();
      }

      await at(date, '07:00');
      const home = await api.call<Home>('GET', '/api/v1/home');
      const workout = home.today.workout && home.today.workout.state !== 'missed' ? home.today.workout : null;
      const action: ScenarioAction = events.find((e) => e.do !== undefined)?.do ?? scenario.default;
      let did: SimulatedDay['did'] = null;
      if (action === 'as_planned') {
        if (workout && workout.state === 'planned' && workout.targetDurationMinutes !== null) {
          did = { durationMinutes: workout.targetDurationMinutes, rpe: workout.targetRpe ?? 5, type: ACTIVITY_FOR[workout.type] };
        }
      } else if (action !== 'skip') {
        did = { durationMinutes: action.durationMinutes, rpe: action.rpe, type: action.type ?? 'run' };
      }
      if (did) await postActivity(api, date, did, zone);
      await runtime.drain();

      // Local midnight passes: every schedule of that hour runs once (the hourly sweeps, the relay), queues drained.
      await at(addDays(date, 1), '00:30');
      for (const name of schedules) await runtime.runSchedule(name);
      await runtime.drain();

      const [load, { changes }, { notifications }] = await Promise.all([
        api.call<LoadReport>('GET', `/api/v1/metrics/load?from=${date}&to=${date}`),
        api.call<PlanChangeList>('GET', '/api/v1/plan/changes'),
        api.call<{ notifications: { id: string; kind: string; title: string; body: string }[] }>('GET', '/api/v1/notifications'),
      ]);
      const day = load.days.find((d) => d.date === date);
      const fresh = notifications.filter((n) => !seenNotifications.has(n.id)).reverse();
      for (const n of fresh) seenNotifications.add(n.id);
      days.push({
        date,
        light: home.today.readiness?.light ?? null,
        workout,
        did,
        metrics: day ? { load: day.load, acute: day.acute, chronic: day.chronic, acwr: day.acwr, tsb: day.tsb, monotony: day.monotony } : null,
        planVersion: changes[0]?.version ?? null,
        notifications: fresh.map((n) => ({ kind: n.kind, title: n.title, body: n.body })),
        alerts: load.alerts.filter((a) => a.date === date).map((a) => ({ kind: a.kind })),
      });
    }
    const { changes } = await api.call<PlanChangeList>('GET', '/api/v1/plan/changes');
    return { days, changes, failures: check(scenario, days, changes) };
  } finally {
    await runtime.close();
    if (!options.db) await db.destroy();
    setClock(undefined);
  }
}

async function postActivity(
  api: ApiClient,
  date: string,
  a: Pick<ScenarioActivity, 'durationMinutes' | 'rpe' | 'distanceMeters'> & { type?: string },
  zone: string,
) {
  await api.call(
    'POST',
    '/api/v1/activities',
    {
      startTime: isoWithOffset(instantAt(date, '07:00', zone), zone),
      durationMinutes: a.durationMinutes,
      rpe: a.rpe,
      ...(a.type && { type: a.type }),
      ...(a.distanceMeters !== undefined && { distanceMeters: a.distanceMeters }),
    },
    201,
  );
}

/** Each expectation must match a change (trigger, code) or an alert, on its day when one is given. */
function check(scenario: Scenario, days: SimulatedDay[], changes: PlanChange[]): string[] {
  const dayOf = (iso: string) => daysBetween(scenario.start, localDateOf(iso, scenario.timeZone));
  return scenario.expect.flatMap((e: Expectation) => {
    if ('never' in e) {
      const alerts = days.filter((d) => d.alerts.some((a) => a.kind === e.never)).map((d) => d.date);
      const seen = changes.filter((c) => c.trigger === e.never).map((c) => `v${c.version} ${c.reason.code}`);
      return alerts.length + seen.length === 0 ? [] : [`expected no ${e.never}, saw ${[...alerts, ...seen].join(', ')}`];
    }
    if ('alert' in e) {
      const found = days.some((d, i) => (e.day === undefined || e.day === i) && d.alerts.some((a) => a.kind === e.alert));
      return found ? [] : [`expected a ${e.alert} alert${e.day === undefined ? '' : ` on day ${e.day}`}`];
    }
    const found = changes.some(
      (c) => c.trigger === e.trigger && (e.code === undefined || c.reason.code === e.code) && (e.day === undefined || dayOf(c.at) === e.day),
    );
    return found ? [] : [`expected a ${e.trigger}${e.code ? `/${e.code}` : ''} change${e.day === undefined ? '' : ` on day ${e.day}`}`];
  });
}

/** The day table, one line a day, for people. */
export function dayTable(result: SimulationResult): string {
  const rows = result.days.map((d) => {
    const w = d.workout
      ? `${d.workout.type} ${d.workout.targetDurationMinutes ?? '-'}' rpe ${d.workout.targetRpe ?? '-'}${d.workout.adaptation ? ` *${d.workout.adaptation.reason.code}` : ''}`
      : 'rest';
    const did = d.did ? `${d.did.type} ${d.did.durationMinutes}' rpe ${d.did.rpe}` : '-';
    const m = d.metrics;
    const metrics = m ? `${m.load.toFixed(0).padStart(4)} ${m.acwr === null ? '   -' : m.acwr.toFixed(2)}` : '   -    -';
    const notes = [...d.alerts.map((a) => `ALERT ${a.kind}`), ...d.notifications.map((n) => `${n.kind}: ${n.body}`)].join(' | ');
    return `${d.date}  ${(d.light ?? '-').padEnd(6)} ${w.padEnd(44)} ${did.padEnd(22)} ${metrics}  v${d.planVersion ?? '-'}  ${notes}`;
  });
  return [`date        light  workout at 07:00 (*adapted)                     did                    load acwr  plan  notifications`, ...rows].join('\n');
}
