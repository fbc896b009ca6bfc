// Normalization of one SQS batch of 10 ActivityReceived messages (Garmin activity details with 1 Hz
// samples, five athletes) through the real worker logic and database, vendor ports faked. Prints time and
// database round trips (every statement sent, BEGIN and COMMIT included, counted by a wrapping driver),
// against a baseline measured in the same run: the bare inserts of the same rows (one INSERT per activity,
// one INSERT of its sample arrays), with no locking, duplicate check, task, rejection or event.
// DATABASE_URL: real PostgreSQL (a throwaway database on that server); else embedded PGlite.
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { createNormalizer, type ReceivedMessage } from '#shared/activities/normalize';
import { migrateToLatest } from '#shared/db/migrate';
import type { GarminActivityDetail } from '#shared/vendors/garmin/push';
import type { VendorLink } from '#shared/vendors/ports';
import { Counter, ms, openDatabase, percentile, timeIt } from './support';

const BATCH = 10;
const ATHLETES = 5;
/** Activity details with a sample a second for 30 minutes, then summaries without samples. */
const SCENARIOS = [1800, 0];
const RUNS = 15;

// ---- data -----------------------------------------------------------------------------------------

let sequence = 0;

/** A 30-minute run per message, each day further back, with a heart-rate/speed/cadence sample a second. */
function detail(garminUserId: string, samples: number): GarminActivityDetail {
  const n = ++sequence;
  const start = Date.UTC(2024, 0, 1, 7) / 1000 - n * 86_400;
  return {
    userId: garminUserId,
    userAccessToken: 'token',
    summaryId: `${n}-detail`,
    activityId: 10_000_000 + n,
    summary: {
      activityType: 'RUNNING',
      startTimeInSeconds: start,
      startTimeOffsetInSeconds: 3600,
      durationInSeconds: 1800,
      distanceInMeters: 6000,
      averageHeartRateInBeatsPerMinute: 150,
      maxHeartRateInBeatsPerMinute: 172,
    },
    samples: Array.from({ length: samples }, (_, i) => ({
      startTimeInSeconds: start + i,
      heartRate: 130 + (i % 40),
      speedMetersPerSecond: 3.3,
      stepsPerMinute: 170,
    })),
  };
}

function batchFor(garminUsers: string[], samples: number): ReceivedMessage[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const messageId = randomUUID();
    return {
      messageId,
      record: { messageId, body: '{}' } as SQSRecord,
      detail: { vendor: 'garmin', eventKey: messageId, payload: { activityDetails: [detail(garminUsers[i % garminUsers.length]!, samples)] } },
      time: new Date().toISOString(),
    };
  });
}

// ---- the benchmark --------------------------------------------------------------------------------

export default async function run(): Promise<void> {
  const counter = new Counter();
  const database = await openDatabase(counter);
  const { db } = database;
  try {
    await migrateToLatest(db);
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: ATHLETES }, (_, i) => ({
          email: `bench-${i}-${randomUUID()}@example.com`,
          password_hash: 'x',
          time_zone: 'Europe/Paris',
          resting_hr: 50,
          max_hr: 190,
        })),
      )
      .returning('id')
      .execute();
    const garminUsers = users.map((_, i) => `garmin-bench-${i}`);
    const links = new Map<string, VendorLink>(garminUsers.map((g, i) => [g, { id: randomUUID(), userId: users[i]!.id, vendor: 'garmin', vendorUserId: g }]));

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

    for (const samples of SCENARIOS) {
      // One round-trip count of each, outside the timing loops.
      counter.roundTrips = 0;
      const failed = await normalize(batchFor(garminUsers, samples), new Date());
      if (failed.size > 0) throw new Error(`${failed.size} messages failed`);
      const normalizeTrips = counter.roundTrips;

      const bareInserts = async (messages: ReceivedMessage[]) => {
        for (const [i, m] of messages.entries()) {
          const d = (m.detail.payload as { activityDetails: GarminActivityDetail[] }).activityDetails[0]!;
          const userId = users[i % users.length]!.id;
          const start = new Date(d.summary.startTimeInSeconds * 1000);
          const row = await db
            .insertInto('activities')
            .values({
              user_id: userId,
              source: 'garmin',
              external_id: String(d.activityId),
              type: 'run',
              start_time: start,
              local_date: start.toISOString().slice(0, 10),
              duration_minutes: d.summary.durationInSeconds / 60,
              distance_meters: d.summary.distanceInMeters ?? null,
              avg_hr: d.summary.averageHeartRateInBeatsPerMinute ?? null,
              max_hr: d.summary.maxHeartRateInBeatsPerMinute ?? null,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const delivered = d.samples ?? [];
          if (delivered.length === 0) continue;
          // The samples are a second apart from offset 0: the arrays are the channels as delivered (migration 0006).
          await db
            .insertInto('activity_samples')
            .values({
              user_id: userId,
              activity_id: row.id,
              seconds: delivered.length,
              hr: delivered.map((x) => x.heartRate ?? null),
              speed_mps: delivered.map((x) => x.speedMetersPerSecond ?? null),
              cadence: delivered.map((x) => x.stepsPerMinute ?? null),
            })
            .execute();
        }
      };
      counter.roundTrips = 0;
      await bareInserts(batchFor(garminUsers, samples));
      const baselineTrips = counter.roundTrips;

      // A fresh batch per run: the timing is of first deliveries (new activities, new samples).
      const normalizeTimes = await timeIt(RUNS, () => normalize(batchFor(garminUsers, samples), new Date()), 2);
      const baselineTimes = await timeIt(RUNS, () => bareInserts(batchFor(garminUsers, samples)), 2);
      // A redelivery of a batch already stored: the common case when vendors retry.
      const replay = batchFor(garminUsers, samples);
      await normalize(replay, new Date());
      counter.roundTrips = 0;
      await normalize(replay, new Date());
      const replayTrips = counter.roundTrips;

      const p50 = (xs: number[]) => percentile(xs, 50);
      console.log(
        `\n${database.kind}; batch: ${BATCH} Garmin activities of ${ATHLETES} athletes, ${samples} samples each (${BATCH * samples} samples); ${RUNS} runs`,
      );
      console.log(`normalize-activity (batch)      p50 ${ms(p50(normalizeTimes))}  p95 ${ms(percentile(normalizeTimes, 95))}  round trips ${normalizeTrips}`);
      console.log(`baseline: bare inserts          p50 ${ms(p50(baselineTimes))}  p95 ${ms(percentile(baselineTimes, 95))}  round trips ${baselineTrips}`);
      console.log(
        `ratio normalize / baseline      time x${(p50(normalizeTimes) / p50(baselineTimes)).toFixed(2)}  round trips x${(normalizeTrips / baselineTrips).toFixed(2)}`,
      );
      console.log(
        `redelivery of the same batch    round trips ${replayTrips} (rows unchanged${samples > 0 ? '; the delivered samples are rewritten' : ': nothing written'})`,
      );
    }
  } finally {
    await database.close();
  }
}
