// Validation comes before any database cast on every path: an Apple workout starting in year 0 is a
// stored rejection (or a 422), never a message that fails in SQL and is redelivered until the DLQ.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';
import { sample } from '#test/support/vendor-samples';
import { useWebhookServices, type WebhookServices } from '#test/support/webhooks';

let database: TestDb;
let runtime: LocalRuntime;
let services: WebhookServices;

beforeAll(async () => {
  database = await testDb();
  services = useWebhookServices();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, timeScale: 0.001, schedules: false, log: () => undefined });
});
afterAll(async () => {
  await runtime?.close();
  await services?.close();
  await database?.close();
});

describe('an Apple workout with an impossible start', () => {
  for (const startDate of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
    it(`${startDate}: refused (422) or stored as a rejection; nothing dead-lettered, later workouts still flow`, async () => {
      const user = await createTestUser(database.db, { time_zone: 'Europe/Paris' });
      const relay = sample<{ workouts: Array<Record<string, unknown>> }>('apple-relay.json');
      const [good] = relay.workouts;
      const poison = { ...good, uuid: randomUUID().toUpperCase(), startDate, endDate: startDate.replace(/T00:00:00Z$/, 'T00:45:00Z') };
      const valid = { ...good, uuid: randomUUID().toUpperCase() };
      const queue = runtime.queues.get('normalizeActivity')!;
      const dlqBefore = queue.deadLetters.length;
      const res = await fetch(`${runtime.url}/api/v1/webhooks/apple`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ workouts: [poison, valid] }),
      });
      expect([202, 422]).toContain(res.status);
      await runtime.drain();
      expect(queue.deadLetters).toHaveLength(dlqBefore);
      const rejections = (await (await fetch(`${runtime.url}/api/v1/ingest/rejections`, { headers: user.headers })).json()) as {
        rejections: Array<{ externalId: string | null; field: string }>;
      };
      if (res.status === 202) expect(rejections.rejections.map((r) => r.field)).toContain('startTime');
      const stored = await database.db.selectFrom('activities').select('external_id').where('user_id', '=', user.userId).execute();
      expect(stored.map((r) => r.external_id)).toEqual([valid.uuid]);
    });
  }
});
