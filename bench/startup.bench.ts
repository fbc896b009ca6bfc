// `npm start` until its first healthy answer, each case a new process on a copy of the working tree
// (sharing node_modules):
//   first start after npm ci: no .data; the migrated template that `npm ci` made is unpacked into it;
//   first start without a template: the template is made in memory first (as after a migration changed);
//   restart: the data dir from the first start, already migrated;
// beside a bare PGlite start in a new process on a new data dir (initdb on disk, no migrations, no API),
// measured in the same run. Each figure includes Node and tsx starting and compiling the code.
//   npm run bench startup
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEMPLATE_CACHE_DIR, templateFile } from '#lib/local/pglite-template';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const s = (n: number) => `${(n / 1000).toFixed(1)} s`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The working tree's files (tracked and new, not ignored) in a new folder, sharing node_modules. */
function cloneWorkingTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-startup-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    try {
      cpSync(path.join(ROOT, file), path.join(dir, file));
    } catch {
      // A tracked file deleted in the working tree.
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

// The clone's own defaults: its .data folder, embedded PGlite, in-memory cache.
const { DATABASE_URL, PGLITE_DATA_DIR, JWT_KEYS_FILE, REDIS_URL, ...environment } = process.env;

/** Milliseconds from spawning `npm start` in `cwd` to a 200 from /api/v1/health; the process is then stopped. */
async function timeStart(cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bin/local.ts'], {
    cwd,
    env: { ...environment, PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${stderr.slice(-2000)}`))));
  try {
    for (;;) {
      const healthy = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) return performance.now() - started;
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
  } finally {
    child.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/** A bare PGlite on a new data dir in a new process, until ready. */
function timeBarePglite(): number {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rc-bare-pglite-'));
  const script = `import { PGlite } from '@electric-sql/pglite'; const pg = new PGlite(${JSON.stringify(dataDir)}); await pg.waitReady; await pg.close();`;
  const started = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit' });
  const elapsed = performance.now() - started;
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

export default async function run(): Promise<void> {
  const clone = cloneWorkingTree();
  const template = await templateFile(TEMPLATE_CACHE_DIR);
  const aside = `${template}.bench-aside`;
  try {
    const bare = timeBarePglite();
    const first = await timeStart(clone);
    const restart = await timeStart(clone);
    rmSync(path.join(clone, '.data'), { recursive: true, force: true });
    renameSync(template, aside);
    let withoutTemplate: number;
    try {
      withoutTemplate = await timeStart(clone);
    } finally {
      rmSync(template, { force: true });
      renameSync(aside, template);
    }
    console.log(`bare PGlite start (new data dir, new process):  ${s(bare)}`);
    console.log(`npm start, first start after npm ci:             ${s(first)}  (${(first / bare).toFixed(2)}x bare PGlite)`);
    console.log(`npm start, first start without a template:       ${s(withoutTemplate)}  (${(withoutTemplate / bare).toFixed(2)}x)`);
    console.log(`npm start, restart on a migrated data dir:       ${s(restart)}  (${(restart / bare).toFixed(2)}x)`);
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}
