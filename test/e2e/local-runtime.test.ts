// The local runtime runs real handlers the way AWS would: HTTP -> API Gateway event -> handler ->
// EventBridge PutEvents (real SDK client) -> rule -> queue -> worker -> database, retries and DLQ included.
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureFunctions } from '#test/fixtures/topology';
import { useLocalRuntime } from '#test/support/local-runtime';

const local = useLocalRuntime({ topology: fixtureFunctions });

let userId: string;

beforeAll(async () => {
  const user = await local.db
    .insertInto('users')
    .values({ email: 'runner@example.com', password_hash: 'x', time_zone: 'Europe/Paris' })
    .returning('id')
    .executeTakeFirstOrThrow();
  userId = user.id;
});

const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  local.fetch(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the local runtime', () => {
  it('answers health after a real database round trip', async () => {
    const res = await local.fetch(`/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('carries a request through the bus and a queue into a database row', async () => {
    const res = await post('/api/v1/test/pings', { userId, date: '2026-11-20' });
    expect(res.status).toBe(202);
    await local.runtime.drain();
    const rows = await local.db.selectFrom('notifications').select('title').where('user_id', '=', userId).execute();
    expect(rows.map((r) => r.title)).toContain('logged 2026-11-20');
    expect(local.runtime.bus.published.some((e) => e.detailType === 'DailyMetricLogged')).toBe(true);
  });

  it('retries a failing message and then dead-letters it, without losing its neighbours', async () => {
    await Promise.all([post('/api/v1/test/pings', { userId, date: '2000-01-01' }), post('/api/v1/test/pings', { userId, date: '2026-11-21' })]);
    await local.runtime.drain();
    const queue = local.runtime.queues.get('recorder')!;
    expect(queue.deadLetters).toHaveLength(1);
    expect(queue.deadLetters[0]!.receiveCount).toBe(3);
    expect(JSON.parse(queue.deadLetters[0]!.body).detail.date).toBe('2000-01-01');
    const rows = await local.db.selectFrom('notifications').select('title').where('user_id', '=', userId).execute();
    expect(rows.map((r) => r.title)).toContain('logged 2026-11-21');
  });

  it('runs schedules through the same handler path', async () => {
    expect(await local.runtime.runSchedule('tick')).toEqual({ runs: 1 });
  });

  it('answers bad requests with problem+json, never a 500', async () => {
    const malformed = await post('/api/v1/test/pings', '{"userId":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const wrongType = await post('/api/v1/test/pings', 'userId=1', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    const unknown = await local.fetch(`/api/v1/nowhere`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { title: string }).title).toBe('Not Found');
    const huge = await post('/api/v1/test/pings', JSON.stringify({ userId, date: '2026-11-20', pad: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    const tooBigForGateway = await post('/api/v1/test/pings', 'x'.repeat(10 * 1024 * 1024 + 1));
    expect(tooBigForGateway.status).toBe(413);
    const invalid = await post('/api/v1/test/pings', { userId: 'nope', date: '2026-13-45' });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: Array<{ field: string }> }).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.date',
      'body.userId',
    ]);
  });

  it('answers a wrong method on a known path with 405 and Allow, and an unknown path with 404', async () => {
    const wrong = await local.fetch(`/api/v1/test/pings`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS');
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrong.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    const get = await local.fetch(`/api/v1/health`, { method: 'PUT' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('GET, OPTIONS');
    expect((await local.fetch(`/api/v1/test/nothing`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers CORS preflights', async () => {
    const res = await local.fetch(`/api/v1/health`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
    // "Every answer carries X-Request-Id", the preflight included.
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
