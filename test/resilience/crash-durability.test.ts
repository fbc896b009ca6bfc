// kill -9 during a burst of writes on embedded PGlite (`npm start`): every write the API acknowledged is
// there after a restart on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#lib/local/runtime';

const dir = mkdtempSync(path.join(tmpdir(), 'rc-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) killGroup(c, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** `npm start` on the shared data directory; resolves with its URL once it is ready. */
function start(): Promise<{ url: string; child: ChildProcess }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    PGLITE_DATA_DIR: path.join(dir, 'pglite'),
    JWT_KEYS_FILE: path.join(dir, 'keys.json'),
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn('npx', ['tsx', 'bin/local.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: kill -9 must reach the node process under npx, not just npx.
    detached: true,
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /API on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited ${code} before it was ready: ${out} ${err.slice(0, 500)}`)));
  });
}

describe('kill -9 during a burst of writes', () => {
  it('every acknowledged activity is there after the restart', async () => {
    const first = await start();
    const email = `crash-${Date.now()}@example.com`;
    const reg = await fetch(`${first.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-battery' }),
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };

    const acknowledged: string[] = [];
    let sent = 0;
    const burst = Array.from({ length: 150 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      sent += 1;
      const startTime = new Date(Date.UTC(2024, 4, 1 + (i % 28), 1 + Math.floor(i / 28) * 3)).toISOString();
      try {
        const res = await fetch(`${first.url}/api/v1/activities`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ startTime, durationMinutes: 30 + i, rpe: 5 }),
        });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
      } catch {
        // cut off by the kill: not acknowledged
      }
    });
    // Kill while the burst is in flight.
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 10));
    killGroup(first.child, 'SIGKILL');
    await Promise.all(burst);
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r));

    const second = await start();
    const login = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-battery' }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const list = await fetch(`${second.url}/api/v1/activities?from=2024-05-01&to=2024-05-31`, { headers: { authorization: `Bearer ${token}` } });
    const stored = new Set(((await list.json()) as { activities: Array<{ id: string }> }).activities.map((a) => a.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    console.log(`kill -9: ${sent} writes sent, ${acknowledged.length} acknowledged, ${stored.size} stored after restart, lost: ${lost.length}`);
    expect(lost).toEqual([]);
    killGroup(second.child, 'SIGTERM');
  }, 120_000);
});
