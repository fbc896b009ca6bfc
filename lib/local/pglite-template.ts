// A migrated PGlite data directory, made once and copied wherever an embedded database starts: `npm start`
// on an empty data dir and every test file begin from it instead of running initdb (slow on a real disk)
// and every migration again. It is made in memory and dumped as a tarball (PGlite's dumpDataDir), kept in
// node_modules/.cache/running-coach (`npm ci` makes it: the prepare script) until a migration changes.
// A test's in-memory PGlite loads it with `loadDataDir`; `npm start` unpacks it into the new data dir.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Kysely } from 'kysely';
import { migrateToLatest } from '#shared/db/migrate';
import { PGliteDialect } from '#shared/db/pglite-dialect';
import type { Database } from '#shared/db/schema';

/** Where the template is kept: a build artifact beside the installed packages. */
export const TEMPLATE_CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/running-coach');
const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');

/** Names the template: a changed, added or removed migration file (or another PGlite) makes a new one. */
export function templateKey(): string {
  const hash = createHash('sha256');
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json');
  hash.update(`pglite ${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}\n`);
  // The source files, not the loaded functions: tsx and vitest compile them to different text.
  for (const file of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    hash.update(`${file}\n`).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Initdb and every migration in memory, dumped as an uncompressed tarball. */
export async function makeMigratedTemplate(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = new PGlite();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pg) });
  try {
    await migrateToLatest(db);
    return await pg.dumpDataDir('none');
  } finally {
    await db.destroy();
  }
}

/** Writes a template to `file` (atomically: a concurrent reader sees the whole file or none). */
export async function writeTemplate(file: string, template: Blob): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await template.arrayBuffer()));
  renameSync(partial, file);
}

/** The file holding the template for the current migrations in `cacheDir`, made if missing (older ones there are removed). */
export async function templateFile(cacheDir: string): Promise<string> {
  const name = `pglite-template-${templateKey()}.tar`;
  const file = path.join(cacheDir, name);
  if (existsSync(file)) return file;
  await writeTemplate(file, await makeMigratedTemplate());
  for (const other of readdirSync(cacheDir)) {
    if (other.startsWith('pglite-template-') && other.endsWith('.tar') && other !== name) rmSync(path.join(cacheDir, other), { force: true });
  }
  return file;
}

/** A data dir PGlite has not initialised yet (missing or empty). */
export function isEmptyDataDir(dataDir: string): boolean {
  return !existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * Unpacks a template tarball (ustar, as dumpDataDir writes it) into an empty data dir with plain file
 * writes: much faster than PGlite copying it file by file through its own file system on first open.
 */
export function extractTemplate(file: string, dataDir: string): void {
  const tar = readFileSync(file);
  const root = path.resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const text = (from: number, length: number) => {
    const raw = tar.subarray(from, from + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? length : end).toString('utf8');
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === '') break; // the two zero blocks that end the archive
    const prefix = text(at + 345, 155);
    const size = Number.parseInt(text(at + 124, 12).trim() || '0', 8);
    const mode = Number.parseInt(text(at + 100, 8).trim() || '0', 8) & 0o777;
    const type = String.fromCharCode(tar[at + 156] ?? 0);
    const target = path.resolve(root, `.${path.posix.join('/', prefix, name)}`);
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) throw new Error(`template entry outside the data dir: ${name}`);
    const body = at + 512;
    if (type === '5') {
      mkdirSync(target, { recursive: true });
    } else if (type === '0' || type === '\0') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(body, body + size));
      if (mode) chmodSync(target, mode);
    } else {
      throw new Error(`unexpected template entry type ${JSON.stringify(type)} for ${name}`);
    }
    at = body + Math.ceil(size / 512) * 512;
  }
}
