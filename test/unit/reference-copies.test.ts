// The science vectors and vendor samples are copied into test/fixtures/reference so that a clone passes its
// tests anywhere. Where the project documents sit beside the repository (CI, developers' machines), the
// copies must equal them: an updated vector or sample there fails here until it is copied over.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const pairs = [
  { copy: here('../fixtures/reference/vectors/'), source: here('../../../shared/science/vectors/') },
  { copy: here('../fixtures/reference/vendors/'), source: here('../../../shared/vendors/') },
];

describe('the reference copies', () => {
  for (const { copy, source } of pairs) {
    it.skipIf(!existsSync(source))(`${copy} equals ${source}`, () => {
      const files = readdirSync(source).sort();
      expect(readdirSync(copy).sort()).toEqual(files);
      for (const file of files) expect(readFileSync(copy + file, 'utf8'), file).toBe(readFileSync(source + file, 'utf8'));
    });
  }
});
