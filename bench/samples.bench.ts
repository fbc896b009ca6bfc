// Samples at scale (issue 16), on realistic data: one-hour runs at 1 Hz whose heart rate, speed (GPS noise,
// millimetre-per-second precision as watches record it), cadence and power are noisy random walks.
//  1. Bytes per activity-hour (table, TOAST and indexes) of the layout in use (migration 0006: one row per
//     activity, an array per channel indexed by second) beside the alternatives measured for the choice:
//     the per-second rows it replaced (0001), the same arrays plus an explicit offsets array, and
//     delta-encoded varint bytea per channel. Goal: <= 40 KB.
//  2. Ingest of 10 one-hour activities (the normalize-activity worker from Garmin activity details, and
//     the activity service from mapped candidates) beside the bare insert of the same rows and arrays,
//     each channel sent as one array literal as the service sends it (and, for comparison, as JS arrays
//     that the driver quotes element by element). Goal: the service within 1.5x of the bare insert. The
//     same two without samples show how much of the gap is the service's per-activity statements.
//  3. Reading one activity's samples for TRIMP (store.loadHeartRates + the formula) beside the same read
//     from the per-second rows.
// DATABASE_URL: real PostgreSQL (a throwaway database on that server); else embedded PGlite.
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { type InsertObject, Kysely, sql } from 'kysely';
import { createNormalizer, type ReceivedMessage } from '#shared/activities/normalize';
import type { ActivityOp } from '#shared/activities/activity-ops';
import { type SampleChannels, toChannels } from '#shared/activities/sample-channels';
import { applyActivityOps } from '#shared/activities/service';
import { loadHeartRates, storedSamples } from '#shared/activities/store';
import { createDb, type Db } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { PGliteDialect } from '#shared/db/pglite-dialect';
import type { Database } from '#shared/db/schema';
import { activityTrimp, type HeartRateSample } from '#shared/domain/trimp';
import type { ActivityCandidate } from '#shared/domain/activity-candidate';
import { type GarminActivityDetail, mapGarminActivities } from '#shared/vendors/garmin/push';
import type { VendorLink } from '#shared/vendors/ports';
import { ms, percentile, timeIt } from './support';
import { adminQuery as admin } from '#test/support/db';

const ACTIVITIES = 10;
const SECONDS = 3600;
const RUNS = 15;
const READS = 40;
const GOAL_KB = 40;
const GOAL_INGEST_RATIO = 1.5;

// ---- data -----------------------------------------------------------------------------------------

/** A deterministic noisy random walk: mean-reverting drift plus per-second sensor noise. */
function randomWalk(seed: number) {
  let s = seed;
  const uniform = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const noise = () => uniform() + uniform() + uniform() + uniform() + uniform() + uniform() - 3;
  let hr = 105;
  let speed = 2.9;
  let cadence = 162;
  let power = 240;
  return Array.from({ length: SECONDS }, () => {
    hr = Math.min(198, Math.max(80, hr + noise() * 1.2 + (152 - hr) * 0.003));
    speed = Math.min(6.5, Math.max(1.2, speed + noise() * 0.05 + (3.2 - speed) * 0.01));
    cadence = Math.min(200, Math.max(140, cadence + noise() * 1.5 + (170 - cadence) * 0.02));
    power = Math.min(480, Math.max(120, power + noise() * 8 + (265 - power) * 0.02));
    return {
      heartRate: Math.round(hr + noise()),
      speedMetersPerSecond: Math.round((speed + noise() * 0.15) * 1000) / 1000,
      stepsPerMinute: Math.round(cadence + noise() * 2),
      powerInWatts: Math.round(power + noise() * 10),
    };
  });
}

let sequence = 0;

/** One-hour Garmin activity details, each on its own day, with a fresh id. */
function details(garminUserIds: readonly string[]): GarminActivityDetail[] {
  return Array.from({ length: ACTIVITIES }, (_, i) => {
    const n = ++sequence;
    const start = Date.UTC(2024, 0, 1, 7) / 1000 - n * 86_400;
    return {
      userId: garminUserIds[i % garminUserIds.length]!,
      userAccessToken: 'token',
      summaryId: `${n}-detail`,
      activityId: 20_000_000 + n,
      summary: {
        activityType: 'RUNNING',
        startTimeInSeconds: start,
        startTimeOffsetInSeconds: 3600,
        durationInSeconds: SECONDS,
        distanceInMeters: 11_500,
        averageHeartRateInBeatsPerMinute: 150,
        maxHeartRateInBeatsPerMinute: 182,
      },
      samples: randomWalk(n).map((v, t) => ({ startTimeInSeconds: start + t, ...v })),
    };
  });
}

// ---- the alternatives -----------------------------------------------------------------------------

/** Zigzag varints of the differences between neighbours: small steps of a walk take one byte. */
function deltaVarints(values: readonly number[]): Buffer {
  const bytes: number[] = [];
  let previous = 0;
  for (const v of values) {
    let z = v - previous >= 0 ? 2 * (v - previous) : -2 * (v - previous) - 1;
    previous = v;
    do {
      const low = z % 128;
      z = Math.floor(z / 128);
      bytes.push(z > 0 ? low | 128 : low);
    } while (z > 0);
  }
  return Buffer.from(bytes);
}

async function createAlternatives(db: Db): Promise<void> {
  // 0001's table, constraints and primary key as they were (no foreign keys: storage only).
  await sql`
    create table bench_rows (
      user_id uuid not null, activity_id uuid not null,
      offset_seconds integer not null check (offset_seconds between 0 and 86400),
      hr smallint check (hr between 25 and 250),
      speed_mps double precision check (speed_mps >= 0 and speed_mps < 100),
      cadence smallint check (cadence between 0 and 300),
      power_w smallint check (power_w between 0 and 3000),
      primary key (user_id, activity_id, offset_seconds),
      check (num_nonnulls(hr, speed_mps, cadence, power_w) > 0))`.execute(db);
  await sql`
    create table bench_offsets (
      user_id uuid not null, activity_id uuid not null, offsets integer[] not null,
      hr smallint[], speed_mps double precision[], cadence smallint[], power_w smallint[],
      primary key (user_id, activity_id))`.execute(db);
  // Speed in mm/s: an integer stream to difference (exact for watch data, lossy for arbitrary doubles).
  await sql`
    create table bench_delta (
      user_id uuid not null, activity_id uuid not null, offsets bytea not null,
      hr bytea, speed_mm_s bytea, cadence bytea, power_w bytea,
      primary key (user_id, activity_id))`.execute(db);
}

interface Stored extends SampleChannels {
  user_id: string;
  activity_id: string;
}

async function fillAlternatives(db: Db, stored: readonly Stored[]): Promise<void> {
  for (const s of stored) {
    const offsets = Array.from({ length: s.seconds }, (_, i) => i);
    const values = (c: (number | null)[] | null) => (c ?? []).map((v) => v ?? 0);
    await sql`
      insert into bench_rows (user_id, activity_id, offset_seconds, hr, speed_mps, cadence, power_w)
      select ${s.user_id}::uuid, ${s.activity_id}::uuid, * from unnest(${offsets}::int[], ${s.hr}::smallint[], ${s.speed_mps}::float8[],
                                                                  ${s.cadence}::smallint[], ${s.power_w}::smallint[])`.execute(db);
    await sql`
      insert into bench_offsets values (${s.user_id}, ${s.activity_id}, ${offsets}::int[], ${s.hr}::smallint[], ${s.speed_mps}::float8[],
                                        ${s.cadence}::smallint[], ${s.power_w}::smallint[])`.execute(db);
    await sql`
      insert into bench_delta values (${s.user_id}, ${s.activity_id}, ${deltaVarints(offsets)}, ${deltaVarints(values(s.hr))},
                                      ${deltaVarints(values(s.speed_mps).map((v) => Math.round(v * 1000)))}, ${deltaVarints(values(s.cadence))},
                                      ${deltaVarints(values(s.power_w))})`.execute(db);
  }
}

const kbPerHour = async (db: Db, table: string, hours: number) => {
  const { rows } = await sql<{ bytes: number }>`select pg_total_relation_size(${table}::regclass)::int as bytes`.execute(db);
  return rows[0]!.bytes / 1024 / hours;
};

// ---- the database ---------------------------------------------------------------------------------

async function openDatabase(): Promise<{ db: Db; kind: string; close(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new Kysely<Database>({ dialect: new PGliteDialect(new PGlite()) });
    return { db, kind: 'PGlite (embedded)', close: () => db.destroy() };
  }
  // A throwaway database: a scratch schema would see another run's schema_migrations in public.
  const name = `rc_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(url, `create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = createDb({ url: target.toString(), poolMax: 2 });
  const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
  return {
    db,
    kind: `PostgreSQL ${rows[0]!.v}`,
    async close() {
      await db.destroy();
      await admin(url, `drop database if exists ${name} with (force)`);
    },
  };
}

// ---- the benchmark --------------------------------------------------------------------------------

export default async function run(): Promise<void> {
  const database = await openDatabase();
  const { db } = database;
  try {
    await migrateToLatest(db);
    await createAlternatives(db);
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          email: `samples-${i}-${randomUUID()}@example.com`,
          password_hash: 'x',
          time_zone: 'Europe/Paris',
          resting_hr: 50,
          max_hr: 190,
        })),
      )
      .returning('id')
      .execute();
    const garminUserIds = users.map((_, i) => `garmin-samples-${i}`);
    const links = new Map<string, VendorLink>(garminUserIds.map((g, i) => [g, { id: randomUUID(), userId: users[i]!.id, vendor: 'garmin', vendorUserId: g }]));
    const userOf = (garminUserId: string) => links.get(garminUserId)!.userId;

    const normalize = createNormalizer({
      db,
      connections: {
        resolve: async (_vendor, refs) =>
          new Map(refs.flatMap((r) => (links.has(r.vendorUserId) ? [[r.vendorUserId, links.get(r.vendorUserId)!] as const] : []))),
        revoke: async () => undefined,
        updateScopes: async () => undefined,
      },
      strava: {
        fetchActivity: async () => null,
        activityGone: async () => false,
        stillAuthorized: async () => true,
        spendEventCall: async () => ({ ok: true }),
      },
      claimChecks: { read: async () => undefined },
      publisher: { publish: async () => undefined },
      requeue: async () => 'requeued',
      dailyMetrics: async () => undefined,
    });
    const messages = (batch: GarminActivityDetail[]): ReceivedMessage[] =>
      batch.map((detail) => {
        const messageId = randomUUID();
        return {
          messageId,
          record: { messageId, body: '{}' } as SQSRecord,
          detail: { vendor: 'garmin', eventKey: messageId, payload: { activityDetails: [detail] } },
          time: new Date().toISOString(),
        };
      });
    const candidates = (batch: GarminActivityDetail[]) => mapGarminActivities({ activityDetails: batch });

    // 1. Bytes: the first ten activities, through the worker, in a table that holds nothing else.
    const failed = await normalize(messages(details(garminUserIds)), new Date());
    if (failed.size > 0) throw new Error(`${failed.size} messages failed`);
    const stored = (await db.selectFrom('activity_samples').selectAll().execute()) as Stored[];
    if (stored.length !== ACTIVITIES || stored.some((s) => s.seconds !== SECONDS)) throw new Error('the ten activities were not stored whole');
    await fillAlternatives(db, stored);
    const hours = (ACTIVITIES * SECONDS) / 3600;
    const layouts: [string, string][] = [
      ['per-second rows (0001, replaced)', 'bench_rows'],
      ['arrays + offsets array', 'bench_offsets'],
      ['delta-encoded varint bytea', 'bench_delta'],
      ['arrays indexed by second (0006, in use)', 'activity_samples'],
    ];
    const sizes = new Map<string, number>();
    for (const [, table] of layouts) sizes.set(table, await kbPerHour(db, table, hours));
    const inUse = sizes.get('activity_samples')!;
    console.log(`\n${database.kind}; ${ACTIVITIES} one-hour runs at 1 Hz: heart rate, speed, cadence and power as noisy random walks`);
    console.log('bytes per activity-hour (table + TOAST + indexes):');
    for (const [name, table] of layouts) {
      const kb = sizes.get(table)!;
      console.log(`  ${name.padEnd(42)} ${kb.toFixed(1).padStart(6)} KB  x${(kb / inUse).toFixed(2)} of the layout in use`);
    }
    console.log(`  goal <= ${GOAL_KB} KB: ${inUse <= GOAL_KB ? 'met' : 'NOT met'}`);

    // 2. Ingest: fresh activities per run; the baseline inserts the same rows and arrays and nothing else.
    const withoutSamples = (batch: GarminActivityDetail[]) => batch.map(({ samples: _, ...summary }) => summary);
    const service = (batch: GarminActivityDetail[]) => {
      const ops: ActivityOp[] = candidates(batch).map(({ garminUserId, candidate }) => ({
        kind: 'upsert',
        userId: userOf(garminUserId),
        candidate,
        origin: 'vendor',
      }));
      return () => db.transaction().execute((trx) => applyActivityOps(trx, ops, { now: new Date() }));
    };
    // The channels are laid out before the clock starts; encoding them for the wire is part of the insert.
    const bareInsert =
      (encode: (userId: string, activityId: string, channels: SampleChannels) => InsertObject<Database, 'activity_samples'>) =>
      (batch: GarminActivityDetail[]) => {
        const rows = candidates(batch).map(({ garminUserId, candidate }) => ({
          userId: userOf(garminUserId),
          candidate,
          channels: toChannels(candidate.samples),
        }));
        return () =>
          db.transaction().execute(async (trx) => {
            const ids = await trx
              .insertInto('activities')
              .values(rows.map(({ userId, candidate: c }) => activityRow(userId, c)))
              .returning('id')
              .execute();
            const samples = rows.flatMap(({ userId, channels }, i) => (channels.seconds > 0 ? [encode(userId, ids[i]!.id, channels)] : []));
            if (samples.length > 0) await trx.insertInto('activity_samples').values(samples).execute();
          });
      };
    // The baseline: each channel one array literal, as the service sends it (store.storedSamples).
    const bare = bareInsert(storedSamples);
    // For comparison: the channels as JS arrays, quoted element by element by node-pg / PGlite (before).
    const bareDriverArrays = bareInsert((userId, activityId, channels) => ({ user_id: userId, activity_id: activityId, ...channels }));
    const worker = (batch: GarminActivityDetail[]) => {
      const batchMessages = messages(batch);
      return async () => {
        const f = await normalize(batchMessages, new Date());
        if (f.size > 0) throw new Error(`${f.size} messages failed`);
      };
    };
    const timings = {
      worker: [] as number[],
      service: [] as number[],
      bare: [] as number[],
      bareDriverArrays: [] as number[],
      serviceNoSamples: [] as number[],
      bareNoSamples: [] as number[],
    };
    // Interleaved, so all see the same machine and a table of the same size.
    for (let r = 0; r < RUNS + 1; r++) {
      for (const [name, make] of [
        ['worker', worker],
        ['service', service],
        ['bare', bare],
        ['bareDriverArrays', bareDriverArrays],
        ['serviceNoSamples', (batch: GarminActivityDetail[]) => service(withoutSamples(batch))],
        ['bareNoSamples', (batch: GarminActivityDetail[]) => bare(withoutSamples(batch))],
      ] as const) {
        const step = make(details(garminUserIds));
        const [t] = await timeIt(1, step, 0);
        if (r > 0) timings[name].push(t!);
      }
    }
    const p50 = (xs: number[]) => percentile(xs, 50);
    console.log(`ingest of ${ACTIVITIES} one-hour activities (${ACTIVITIES * SECONDS} samples); ${RUNS} runs, interleaved:`);
    console.log(
      `  normalize-activity worker (Garmin details)  p50 ${ms(p50(timings.worker))}  x${(p50(timings.worker) / p50(timings.bare)).toFixed(2)} of bare`,
    );
    console.log(
      `  activity service (mapped candidates)       p50 ${ms(p50(timings.service))}  x${(p50(timings.service) / p50(timings.bare)).toFixed(2)} of bare`,
    );
    console.log(`  baseline: bare insert of the same arrays    p50 ${ms(p50(timings.bare))}  (each channel one array literal)`);
    console.log(
      `  bare insert, arrays quoted by the driver     p50 ${ms(p50(timings.bareDriverArrays))}  x${(p50(timings.bareDriverArrays) / p50(timings.bare)).toFixed(2)} of bare`,
    );
    // Where the service's time beyond the bare insert goes: the statements every activity costs (locks, the
    // duplicate lookup, tasks, outbox), measured on the same activities without samples, and the rest.
    const perActivity = p50(timings.serviceNoSamples) - p50(timings.bareNoSamples);
    const gap = p50(timings.service) - p50(timings.bare);
    console.log(
      `  without samples: service p50 ${ms(p50(timings.serviceNoSamples))}, bare p50 ${ms(p50(timings.bareNoSamples))}: of the service's ${ms(gap)} beyond the bare insert, ${ms(perActivity)} is not about samples`,
    );
    const ratio = p50(timings.service) / p50(timings.bare);
    console.log(`  goal: service <= x${GOAL_INGEST_RATIO} of bare: ${ratio <= GOAL_INGEST_RATIO ? 'met' : 'NOT met'}`);

    // 3. One activity's samples for TRIMP.
    const one = stored[0]!;
    const profile = { restingHr: 50, maxHr: 190, sex: 'unspecified' as const };
    const target = { user_id: one.user_id, id: one.activity_id };
    const fromArrays = () =>
      db.transaction().execute(async (trx) => {
        const hr = (await loadHeartRates(trx, [target])).get(one.activity_id)!;
        return activityTrimp({ durationMinutes: 60, samples: hr }, profile);
      });
    const fromRows = () =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ offset_seconds: number; hr: number }>`
          select offset_seconds, hr from bench_rows
           where user_id = ${one.user_id} and activity_id = ${one.activity_id} and hr is not null
           order by offset_seconds`.execute(trx);
        const hr: HeartRateSample[] = rows.map((r) => ({ offsetS: r.offset_seconds, hr: r.hr }));
        return activityTrimp({ durationMinutes: 60, samples: hr }, profile);
      });
    if ((await fromArrays()) !== (await fromRows())) throw new Error('the two layouts give different TRIMPs');
    const arraysRead: number[] = [];
    const rowsRead: number[] = [];
    for (let i = 0; i < READS; i++) {
      arraysRead.push(...(await timeIt(1, fromArrays, i === 0 ? 3 : 0)));
      rowsRead.push(...(await timeIt(1, fromRows, i === 0 ? 3 : 0)));
    }
    console.log(`reading one activity's samples for TRIMP (${SECONDS} heart rates, read + formula); ${READS} reads, interleaved:`);
    console.log(`  arrays (store.loadHeartRates)              p50 ${ms(p50(arraysRead))}  x${(p50(arraysRead) / p50(rowsRead)).toFixed(2)} of rows`);
    console.log(`  baseline: per-second rows (0001 query)     p50 ${ms(p50(rowsRead))}`);
  } finally {
    await database.close();
  }
}

function activityRow(userId: string, c: ActivityCandidate) {
  return {
    user_id: userId,
    source: c.source,
    external_id: c.externalId,
    type: c.type,
    start_time: c.startTime,
    local_date: c.startTime.slice(0, 10),
    duration_minutes: c.durationMinutes,
    distance_meters: c.distanceMeters,
    avg_hr: c.avgHr,
    max_hr: c.maxHr,
  };
}
