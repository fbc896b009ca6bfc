// GET /api/v1/sync: the user's changes after a cursor, oldest first. The change log (sync_changes, filled by
// triggers, migration 0008) numbers each user's changes in commit order without holes, so "seq > cursor" never
// skips a change committed late; the log is compacted to one row per entity, so a first sync reads it from 0 and
// gets every entity once. A page is one snapshot (REPEATABLE READ): one query of the log, then one query per
// entity kind on the page for the current rows, each mapped by the same function its own route uses. A row the
// log calls upserted but that is gone by now was deleted after: it goes out as a tombstone (its own tombstone
// follows on a later page; a change may be sent twice, never zero times).
import type { SyncChange, SyncPage, PullQuery } from '#shared/contracts/sync';
import type { Conn, Db } from '#shared/db/connection';
import type { SyncEntity } from '#shared/db/schema';
import { InvalidInput } from '#shared/errors';
import { PROFILE_COLUMNS, toMe } from '#shared/account/profile';
import { activityColumns } from '#shared/activities/store';
import { toActivity } from '#shared/activities/service';
import { selectTasks, toTask } from '#shared/activities/tasks';
import { toDay } from '#shared/metrics/daily-metrics';
import { reportDay, riskAlertColumns } from '#shared/metrics/load-report';
import { notificationColumns, toNotification } from '#shared/notifications/inbox';
import { toPlan, toPlanChange, toWorkout, WORKOUT_COLUMNS } from '#shared/plans/service';

// ---- the cursor -----------------------------------------------------------------------------------

const CURSOR_VERSION = 'v1';

/** Opaque to the app: the last change number it has, versioned so the format can change. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_VERSION}:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const match = /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

// ---- current state of the entities on a page ------------------------------------------------------

/** Reads the current state of some entities of one user, keyed by entity id, shaped as their routes answer. */
type Reader = (db: Conn, userId: string, ids: string[]) => Promise<Map<string, SyncChange['data']>>;

const readers: Record<SyncEntity, Reader> = {
  profile: async (db, userId) => {
    const row = await db.selectFrom('users').select(PROFILE_COLUMNS).where('id', '=', userId).executeTakeFirst();
    return new Map(row ? [[row.id, toMe(row)]] : []);
  },
  activity: async (db, userId, ids) => {
    const rows = await db.selectFrom('activities').select(activityColumns).where('user_id', '=', userId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toActivity(r)]));
  },
  dailyMetric: async (db, userId, ids) => {
    const rows = await db.selectFrom('daily_metrics').selectAll().where('user_id', '=', userId).where('date', 'in', ids).execute();
    return new Map(rows.map((r) => [r.date, toDay(r)]));
  },
  loadDay: async (db, userId, ids) => {
    const rows = await db
      .selectFrom('rolling_stats')
      .select(['date', 'load', 'acute', 'chronic', 'acwr', 'tsb', 'monotony', 'strain'])
      .where('user_id', '=', userId)
      .where('date', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.date, reportDay(r)]));
  },
  alert: async (db, userId, ids) => {
    const rows = await db.selectFrom('risk_alerts').select(riskAlertColumns).where('user_id', '=', userId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r]));
  },
  task: async (db, userId, ids) => {
    const rows = await selectTasks(db, userId).where('t.id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toTask(r)]));
  },
  notification: async (db, userId, ids) => {
    const rows = await db.selectFrom('notifications').select(notificationColumns).where('user_id', '=', userId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toNotification(r)]));
  },
  plan: async (db, userId, ids) => {
    const rows = await db.selectFrom('training_plans').selectAll().where('user_id', '=', userId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toPlan(r)]));
  },
  workout: async (db, userId, ids) => {
    // A workout a new plan version replaced is no longer part of the plan: left out, it goes as a tombstone.
    const rows = await db
      .selectFrom('scheduled_workouts')
      .select(WORKOUT_COLUMNS)
      .where('user_id', '=', userId)
      .where('id', 'in', ids)
      .where('removed_in_version', 'is', null)
      .execute();
    return new Map(rows.map((r) => [r.id, toWorkout(r)]));
  },
  planChange: async (db, userId, ids) => {
    const rows = await db.selectFrom('plan_changes').selectAll().where('user_id', '=', userId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toPlanChange(r)]));
  },
};

const readerFor = (entity: SyncEntity): Reader => readers[entity];

// ---- the page -------------------------------------------------------------------------------------

export async function pullChanges(db: Db, userId: string, query: PullQuery): Promise<SyncPage> {
  const after = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
  if (after === null) throw new InvalidInput('Unknown cursor: start again without one', [{ field: 'query.cursor', message: 'not a cursor this API gave' }]);

  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      let log = trx.selectFrom('sync_changes').select(['entity', 'entity_id', 'seq', 'op']).where('user_id', '=', userId).where('seq', '>', after);
      // A new phone has nothing to delete.
      if (query.cursor === undefined) log = log.where('op', '=', 'upsert');
      const rows = await log
        .orderBy('seq')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      // Nothing after the cursor: fine if the account is there too, not if the cursor is beyond it (another
      // account's cursor, or an account erased and made again): that phone would wait for changes forever.
      if (page.length === 0 && after > (await currentSeq(trx, userId))) {
        throw new InvalidInput('The cursor is ahead of this account: start again without one', [
          { field: 'query.cursor', message: 'is ahead of this account' },
        ]);
      }

      const wanted = new Map<SyncEntity, string[]>();
      for (const r of page) if (r.op === 'upsert') wanted.set(r.entity, [...(wanted.get(r.entity) ?? []), r.entity_id]);
      const current = new Map<SyncEntity, Map<string, SyncChange['data']>>();
      for (const [entity, ids] of wanted) current.set(entity, await readerFor(entity)(trx, userId, ids));

      const changes = page.map((r): SyncChange => {
        const data = r.op === 'upsert' ? current.get(r.entity)?.get(r.entity_id) : undefined;
        return (
          data === undefined ? { entity: r.entity, id: r.entity_id, op: 'delete', data: null } : { entity: r.entity, id: r.entity_id, op: 'upsert', data }
        ) as SyncChange;
      });
      return { changes, nextCursor: encodeCursor(page.at(-1)?.seq ?? after), hasMore: rows.length > query.limit };
    });
}

/** The user's latest change number (0 before any): where the changes of whatever follows begin. */
export async function currentSeq(db: Conn, userId: string): Promise<number> {
  const row = await db.selectFrom('sync_counters').select('seq').where('user_id', '=', userId).executeTakeFirst();
  return row?.seq ?? 0;
}
