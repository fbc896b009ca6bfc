// The home screen: today's workout as adapted and the morning's readiness, the load status, the plan week,
// what comes next, open tasks, unread notifications and recent alerts. Built from the database on a miss and
// kept per user in the cache (shared/home/cache.ts) until a write that changes any of it drops the entry.
import { createHash } from 'node:crypto';
import type { Home } from '#shared/contracts/home';
import type { ReadinessReason } from '#shared/domain/readiness';
import type { Workout } from '#shared/contracts/plans';
import type { CacheClient } from '#shared/cache/client';
import type { Conn } from '#shared/db/connection';
import { addDays, localDateOf } from '#shared/domain/dates';
import { listOpenTasks } from '#shared/activities/tasks';
import { toWorkout } from '#shared/adaptation/restore';
import { NotFound } from '#shared/errors';
import { HOME_TTL_SECONDS, homeKey } from './cache';

/** What the cache holds: the answer, its ETag, and the local day (and zone) it was built for. */
interface CachedHome {
  timeZone: string;
  date: string;
  etag: string;
  home: Home;
}

export interface HomeAnswer {
  home: Home;
  etag: string;
  cached: boolean;
}

const ALERT_DAYS = 7;

export function loadStatus(acwr: number | null): Home['load']['status'] {
  if (acwr === null || acwr < 0.8) return 'low';
  if (acwr <= 1.3) return 'optimal';
  if (acwr <= 1.5) return 'high';
  return 'danger';
}

export async function homeScreen(db: Conn, cache: CacheClient, userId: string, now: Date): Promise<HomeAnswer> {
  const key = homeKey(userId);
  const hit = await cache.get(key).catch(() => null);
  if (hit) {
    const entry = JSON.parse(hit) as CachedHome;
    if (localDateOf(now, entry.timeZone) === entry.date) return { home: entry.home, etag: entry.etag, cached: true };
  }
  const { home, timeZone } = await buildHome(db, userId, now);
  const etag = `"${createHash('sha256').update(JSON.stringify(home)).digest('base64url').slice(0, 27)}"`;
  const entry: CachedHome = { timeZone, date: home.today.date, etag, home };
  await cache.set(key, JSON.stringify(entry), { EX: HOME_TTL_SECONDS }).catch(() => null);
  return { home, etag, cached: false };
}

export async function buildHome(db: Conn, userId: string, now: Date): Promise<{ home: Home; timeZone: string }> {
  const user = await db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new NotFound('No such user');
  const today = localDateOf(now, user.time_zone);

  const [plan, checkIn, stats, tasks, unread, alerts] = await Promise.all([
    db.selectFrom('training_plans').select(['id', 'weeks']).where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst(),
    db.selectFrom('daily_metrics').select(['readiness_light', 'readiness_reasons']).where('user_id', '=', userId).where('date', '=', today).executeTakeFirst(),
    db
      .selectFrom('rolling_stats')
      .select(['acute', 'chronic', 'acwr', 'tsb'])
      .where('user_id', '=', userId)
      .where('date', '<=', today)
      .orderBy('date', 'desc')
      .limit(1)
      .executeTakeFirst(),
    listOpenTasks(db, userId),
    db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('risk_alerts')
      .select(['id', 'kind', 'date', 'metrics'])
      .where('user_id', '=', userId)
      .where('date', '>', addDays(today, -ALERT_DAYS))
      .where('date', '<=', today)
      .orderBy('date', 'desc')
      .orderBy('kind')
      .execute(),
  ]);

  let todayWorkout: Workout | null = null;
  let next: Workout[] = [];
  let week: Home['week'] = null;
  if (plan) {
    const current = plan.weeks.find((w) => w.startDate <= today && today <= w.endDate) ?? plan.weeks.find((w) => w.startDate > today) ?? null;
    const weekStart = current?.startDate ?? today;
    const weekEnd = current?.endDate ?? today;
    const [rows, upcoming, done] = await Promise.all([
      db
        .selectFrom('scheduled_workouts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('plan_id', '=', plan.id)
        .where('removed_in_version', 'is', null)
        .where('date', '>=', weekStart < today ? weekStart : today)
        .where('date', '<=', weekEnd > today ? weekEnd : today)
        .orderBy('date')
        .orderBy('created_at')
        .execute(),
      db
        .selectFrom('scheduled_workouts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('plan_id', '=', plan.id)
        .where('removed_in_version', 'is', null)
        .where('state', '=', 'planned')
        .where('date', '>', today)
        .orderBy('date')
        .orderBy('created_at')
        .limit(3)
        .execute(),
      db
        .selectFrom('activities')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('internal_load'), eb.val(0)).as('load'))
        .where('user_id', '=', userId)
        .where('duplicate_of', 'is', null)
        .where('local_date', '>=', weekStart)
        .where('local_date', '<=', weekEnd)
        .executeTakeFirstOrThrow(),
    ]);
    const todays = rows.filter((r) => r.date === today);
    const shown = todays.find((r) => r.state === 'planned') ?? todays[0];
    todayWorkout = shown ? toWorkout(shown) : null;
    next = upcoming.map(toWorkout);
    if (current) {
      const inWeek = rows.filter((r) => r.date >= current.startDate && r.date <= current.endDate);
      week = {
        phase: current.phase,
        index: current.index,
        plannedLoad: inWeek.reduce((s, r) => s + (r.target_duration_minutes ?? 0) * (r.target_rpe ?? 0), 0),
        doneLoad: Number(done.load),
      };
    }
  }

  const home: Home = {
    today: {
      date: today,
      workout: todayWorkout,
      readiness: checkIn?.readiness_light ? { light: checkIn.readiness_light, reasons: checkIn.readiness_reasons as unknown as ReadinessReason[] } : null,
    },
    load: stats
      ? { acute: stats.acute, chronic: stats.chronic, acwr: stats.acwr, tsb: stats.tsb, status: loadStatus(stats.acwr) }
      : { acute: 0, chronic: 0, acwr: null, tsb: 0, status: 'low' },
    week,
    next,
    tasks: { open: tasks.length, first: tasks[0] ?? null },
    notifications: { unread: Number(unread.n) },
    alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, date: a.date, metrics: a.metrics })),
  };
  return { home, timeZone: user.time_zone };
}
