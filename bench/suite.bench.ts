// The whole `npm test` (embedded defaults, or TEST_DATABASE_URL / TEST_REDIS_URL when set) as a developer
// waits for it: wall time from spawning vitest to its exit, beside the sum of the test files' own times
// from vitest's JSON report in the same run (the work if files ran one after another, without start-up),
// and the slowest files. Takes minutes. SUITE_REPORT=path keeps vitest's JSON report (per-test durations).
//   npm run bench suite
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-suite-'));
  const report = path.join(dir, 'report.json');
  try {
    // Benchmarks run with NODE_ENV=production; the suite sets its own (vitest.config.ts).
    const { NODE_ENV, ...environment } = process.env;
    const started = performance.now();
    const child = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`], {
      cwd: ROOT,
      env: environment,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const wall = performance.now() - started;
    if (process.env.SUITE_REPORT) copyFileSync(report, process.env.SUITE_REPORT);
    const result = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    const files = result.testResults.map((f) => ({ name: path.relative(ROOT, f.name), ms: f.endTime - f.startTime })).sort((a, b) => b.ms - a.ms);
    const serial = files.reduce((sum, f) => sum + f.ms, 0);
    console.log(
      `npm test: ${s(wall)} wall, exit ${child.status}; ${result.numPassedTests} passed, ${result.numFailedTests} failed of ${result.numTotalTests} in ${files.length} files`,
    );
    console.log(`sum of the files' own times: ${s(serial)} (wall / sum: ${(wall / serial).toFixed(2)}x)`);
    console.log('slowest files:');
    for (const f of files.slice(0, 15)) console.log(`  ${s(f.ms).padStart(8)}  ${f.name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
