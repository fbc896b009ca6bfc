// `npm run openapi`: prints the OpenAPI document generated from lib/topology.ts (valid JSON on stdout:
// the project's .npmrc sends npm's own banner to stderr). `--out FILE` writes it to a file instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { functions } from '#lib/topology';
import { openApiDocument } from '#lib/openapi';

const text = `${JSON.stringify(openApiDocument(functions), null, 2)}\n`;
const at = process.argv.indexOf('--out');
if (at > 0 && process.argv[at + 1]) {
  const file = process.argv[at + 1]!;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
} else {
  process.stdout.write(text);
}
