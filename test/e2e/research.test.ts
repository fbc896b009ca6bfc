// Responder classes and the research dataset end to end: athletes opt in and record runs through the API, the
// weekly and monthly schedules run in the local runtime, and both CLIs run against an embedded data directory.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '#shared/config';
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import type { Me } from '#shared/contracts/me';
import { createTestUser, type TestUser } from '#test/support/auth';
import { useLocalRuntime } from '#test/support/local-runtime';

const run = promisify(execFile);
const local = useLocalRuntime();
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'research-e2e-'));
  process.env.RESEARCH_DIR = path.join(scratch, 'datasets');
  resetConfig();
});
afterAll(async () => {
  delete process.env.RESEARCH_DIR;
  resetConfig();
  await rm(scratch, { recursive: true, force: true });
});

const call = (user: TestUser, method: string, route: string, body?: unknown) =>
  local.fetch(route, {
    method,
    headers: { ...user.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('responders and research through the local runtime', () => {
  it('opted-in athletes are judged weekly and exported monthly; the others are judged but never exported', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const athletes: TestUser[] = [];
    for (let i = 0; i < 6; i++) {
      const user = await createTestUser(local.db);
      const consent = i < 5;
      const patched = await call(user, 'PATCH', '/api/v1/me', {
        profile: { sex: 'female', dob: '1991-05-05', weightKg: 62, heightCm: 170 },
        settings: { researchConsent: consent },
      });
      expect(patched.status).toBe(200);
      const res = await call(user, 'POST', '/api/v1/activities', {
        startTime: `${today}T06:00:00Z`,
        type: 'run',
        durationMinutes: 45,
        distanceMeters: 8000,
        avgHr: 142,
        rpe: 4,
        notes: `secret note ${i}`,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      athletes.push(user);
    }
    await local.runtime.drain();

    await local.runtime.runSchedule('classifyResponders');
    const me = (await (await call(athletes[0]!, 'GET', '/api/v1/me')).json()) as Me;
    expect(me.responder.classification).toBeNull();
    expect(me.responder.evidence?.reason).toBe('insufficient_data');
    expect(me.responder.updatedAt).not.toBeNull();

    const summary = (await local.runtime.runSchedule('exportResearch')) as { location: string; athletes: { consenting: number; exported: number } };
    expect(summary.location.startsWith(process.env.RESEARCH_DIR!)).toBe(true);
    expect(summary.athletes).toMatchObject({ consenting: 5, exported: 5 });
    const files = await readdir(summary.location);
    expect(files.sort()).toEqual(['README.md', 'activities.csv', 'adherence.csv', 'athletes.csv', 'days.csv', 'manifest.json']);
    const activities = await readFile(path.join(summary.location, 'activities.csv'), 'utf8');
    expect(activities.trimEnd().split('\n')).toHaveLength(1 + 5);
    expect(activities).not.toContain('secret note');
  });

  it('npm run responders and npm run research:export work on an embedded data directory', async () => {
    const dataDir = path.join(scratch, 'pglite');
    const db = createDb({ pglite: { dataDir } });
    await migrateToLatest(db);
    for (let i = 0; i < 5; i++) {
      await db
        .insertInto('users')
        .values({ email: `cli-${i}@example.com`, password_hash: 'x', research_consent: true, sex: 'male' })
        .execute();
    }
    await db.destroy();

    const env = { ...process.env, PGLITE_DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'test' };
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const tsx = path.resolve('node_modules/.bin/tsx');
    const responders = await run(tsx, ['bin/responders.ts'], { env });
    expect(JSON.parse(responders.stdout)).toMatchObject({ judged: 0, classified: 0 });

    const out = path.join(scratch, 'cli-export');
    const exported = await run(tsx, ['bin/research-export.ts', '--out', out], { env });
    expect(JSON.parse(exported.stdout)).toMatchObject({ location: out, athletes: { consenting: 5, exported: 5, suppressed: 0 } });
    expect(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ k: 5, rows: { athletes: 5 } });

    await expect(run(tsx, ['bin/research-export.ts'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--out DIR') });
  }, 120_000);
});
