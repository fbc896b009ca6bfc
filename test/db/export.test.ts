// The export generator against a real database: keyset pages that neither repeat nor skip rows (ties and
// microsecond timestamps included), samples under the right activity, many small chunks that add up to
// one valid document, and an abandoned export that gives its connection back.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAccount } from '#shared/account/export';
import { toChannels } from '#shared/activities/sample-channels';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';

let t: TestDb;
let userId: string;
let otherId: string;
const sampleCounts = [0, 1, 13, 4, 0, 7, 2];

beforeAll(async () => {
  t = await testDb();
  userId = (await createTestUser(t.db)).userId;
  otherId = (await createTestUser(t.db)).userId;
  for (const owner of [userId, otherId]) {
    await sql`
      insert into daily_metrics (user_id, date, resting_hr)
      select ${owner}, date '2026-01-01' + i, 45 + (i % 10) from generate_series(0, 24) as i`.execute(t.db);
    for (const [i, count] of sampleCounts.entries()) {
      // Two activities share a start instant (the id breaks the tie); one has microseconds.
      const start = i === 1 ? '2026-01-01T06:00:00Z' : i === 2 ? '2026-01-03T06:00:00.123456Z' : `2026-01-0${Math.min(i, 9) || 1}T06:00:00Z`;
      const { id } = await t.db
        .insertInto('activities')
        .values({
          user_id: owner,
          source: 'manual',
          type: 'run',
          start_time: start,
          local_date: start.slice(0, 10),
          duration_minutes: 30 + i,
          notes: `${owner}-${i}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (count > 0) {
        const samples = Array.from({ length: count }, (_, s) => ({ offsetSeconds: s * 5, hr: 120 + s }));
        await t.db
          .insertInto('activity_samples')
          .values({ user_id: owner, activity_id: id, ...toChannels(samples) })
          .execute();
      }
    }
  }
});
afterAll(async () => {
  await t?.close();
});

const EXPORTED_AT = new Date('2026-02-01T00:00:00Z');

async function collect(options: Parameters<typeof exportAccount>[3]) {
  const chunks: string[] = [];
  for await (const chunk of exportAccount(t.db, userId, EXPORTED_AT, options)) chunks.push(chunk);
  return { chunks, doc: JSON.parse(chunks.join('')) as Record<string, any> };
}

describe('the export generator', () => {
  it('pages through every row exactly once, in order, whatever the page sizes', async () => {
    const reference = await collect({ pageSize: 1000, samplePageSize: 10_000 });
    for (const [pageSize, samplePageSize] of [
      [1, 1],
      [2, 3],
      [3, 5],
      [7, 13],
    ] as const) {
      const { doc } = await collect({ pageSize, samplePageSize, chunkChars: 64 });
      expect(doc).toEqual(reference.doc);
    }
    const { doc } = reference;
    expect(doc.exportedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(doc.dailyMetrics).toHaveLength(25);
    expect(doc.dailyMetrics.map((d: { date: string }) => d.date)).toEqual([...doc.dailyMetrics.map((d: { date: string }) => d.date)].sort());
    expect(doc.activities).toHaveLength(sampleCounts.length);
    expect(doc.activities.map((a: { samples: unknown[] }) => a.samples.length).sort()).toEqual([...sampleCounts].sort());
    const starts = doc.activities.map((a: { startTime: string }) => a.startTime);
    expect(starts).toEqual([...starts].sort());
    for (const activity of doc.activities) {
      const offsets = activity.samples.map((s: { offsetSeconds: number }) => s.offsetSeconds);
      expect(offsets).toEqual(offsets.map((_: number, i: number) => i * 5));
      // The per-second shape the export had before samples became arrays (migration 0006).
      expect(activity.samples).toEqual(offsets.map((o: number, i: number) => ({ offsetSeconds: o, hr: 120 + i, speedMps: null, cadence: null, powerW: null })));
      expect(activity.notes.startsWith(userId)).toBe(true);
    }
  });

  it("yields many small chunks and never another user's rows", async () => {
    const { chunks } = await collect({ pageSize: 2, samplePageSize: 3, chunkChars: 256 });
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('')).not.toContain(otherId);
  });

  it('gives its snapshot connection back when the reader stops early', async () => {
    const iterator = exportAccount(t.db, userId, EXPORTED_AT, { chunkChars: 16 })[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await iterator.return(undefined);
    // With one embedded connection this would wait forever if the transaction were still open.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(t.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('refuses an account that does not exist before writing a byte', async () => {
    const iterator = exportAccount(t.db, '00000000-0000-4000-8000-000000000000', EXPORTED_AT)[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ kind: 'not_found' });
  });
});
