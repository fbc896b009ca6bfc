// npm run lint: an import that climbs out of its folder ('../') names the folder by its package.json alias
// instead (#shared/..., #lib/..., #test/...), so a file can move without its imports being rewritten by depth.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOTS = ['bin', 'bench', 'functions', 'lib', 'migrations', 'scripts', 'shared', 'test'];
const CLIMBING_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bvi\.mock\(\s*)['"](\.\.\/[^'"]*)['"]/g;

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(file);
    else if (entry.name.endsWith('.ts')) yield file;
  }
}

const found: string[] = [];
for (const root of ROOTS) {
  for (const file of typeScriptFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(CLIMBING_IMPORT)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`${file}:${line}: '${match[1]}' climbs out of its folder: import it as #${path.relative('.', path.join(path.dirname(file), match[1]!))}`);
    }
  }
}
if (found.length > 0) {
  console.error(found.join('\n'));
  process.exit(1);
}
