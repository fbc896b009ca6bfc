// `npm start`: the whole API on one machine. Embedded PGlite (kept in .data/pglite) unless DATABASE_URL
// is set; PORT overrides 3000.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { functions } from '#lib/topology';
import { extractTemplate, isEmptyDataDir, TEMPLATE_CACHE_DIR, templateFile } from '#lib/local/pglite-template';
import { REPO_ROOT, startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { describeDatabaseFailure, isDatabaseUnavailable } from '#shared/db/outage';

if (!process.env.DATABASE_URL && !process.env.PGLITE_DATA_DIR) {
  process.env.PGLITE_DATA_DIR = path.join(REPO_ROOT, '.data', 'pglite');
  mkdirSync(process.env.PGLITE_DATA_DIR, { recursive: true });
}
process.env.NODE_ENV ??= 'development';
// Development signing key, generated on first start and kept so tokens survive a restart (shared/auth/keys.ts).
if (!process.env.JWT_SECRET_ARN) process.env.JWT_KEYS_FILE ??= path.join(REPO_ROOT, '.data', 'jwt-dev-keys.json');
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = performance.now();
// A new embedded data dir starts as a copy of the migrated template (node_modules/.cache, made by
// `npm ci`, or here in memory when missing): initdb on disk and every migration take several times as long.
const dataDir = process.env.DATABASE_URL ? undefined : process.env.PGLITE_DATA_DIR;
if (dataDir && isEmptyDataDir(dataDir)) extractTemplate(await templateFile(TEMPLATE_CACHE_DIR), dataDir);
let runtime: LocalRuntime;
try {
  runtime = await startLocalRuntime({ topology: functions, port: Number(process.env.PORT ?? 3000) });
} catch (error) {
  // One line a person can act on, not a driver stack trace.
  if (!isDatabaseUnavailable(error)) throw error;
  const where = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).host : 'embedded PGlite';
  console.error(`[local] ${describeDatabaseFailure(error, where)}`);
  process.exit(1);
}
const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${process.env.PGLITE_DATA_DIR}`;
console.log(`[local] RunningCoach API on ${runtime.url} (database: ${where}) ready in ${Math.round(performance.now() - started)} ms`);

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`[local] ${signal}: shutting down`);
  await runtime.close();
  const { getDb } = await import('#shared/db/connection');
  await getDb().destroy();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
