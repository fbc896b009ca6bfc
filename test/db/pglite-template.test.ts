// The migrated PGlite template that `npm start` unpacks into a new data dir (and every test file loads):
// unpacked with plain file writes, it opens as a database with every migration applied, and keeps what
// is written to it; an archive entry naming a path outside the data dir still lands inside it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTemplate, isEmptyDataDir, TEMPLATE_CACHE_DIR, templateFile } from '#lib/local/pglite-template';
import { migrations } from '#migrations/index';

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-template-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A one-entry ustar archive. */
function tarOf(name: string, body: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100, 'utf8');
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'utf8');
  header.write('0', 156, 'utf8');
  header.write('ustar\0', 257, 'utf8');
  const content = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  content.write(body, 0, 'utf8');
  return Buffer.concat([header, content, Buffer.alloc(1024)]);
}

describe('the migrated PGlite template', () => {
  it('unpacks into a data dir that opens with every migration applied, and keeps what is written', async () => {
    const file = await templateFile(TEMPLATE_CACHE_DIR);
    const dataDir = newDir();
    expect(isEmptyDataDir(dataDir)).toBe(true);
    extractTemplate(file, dataDir);
    expect(isEmptyDataDir(dataDir)).toBe(false);
    const first = new PGlite(dataDir);
    const { rows } = await first.query<{ name: string }>('select name from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    await first.query("insert into users (email, password_hash) values ('kept@example.com', 'x')");
    await first.close();
    const second = new PGlite(dataDir);
    expect((await second.query<{ n: number }>("select count(*)::int as n from users where email = 'kept@example.com'")).rows).toEqual([{ n: 1 }]);
    await second.close();
  });

  it('keeps an entry that names a path outside the data dir inside it', () => {
    const dir = newDir();
    const archive = path.join(dir, 'evil.tar');
    writeFileSync(archive, tarOf('../../escaped', 'x'));
    extractTemplate(archive, path.join(dir, 'data'));
    expect(existsSync(path.join(dir, 'escaped'))).toBe(false);
    expect(readFileSync(path.join(dir, 'data', 'escaped'), 'utf8')).toBe('x');
  });
});
