// `npm ci` / `npm install` (the prepare script): makes the migrated PGlite template that the first
// `npm start` and every test file copy (lib/local/pglite-template.ts). Never fails an install: without
// it, the first start makes the template itself.
import { TEMPLATE_CACHE_DIR, templateFile } from '#lib/local/pglite-template';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
try {
  const started = performance.now();
  const file = await templateFile(TEMPLATE_CACHE_DIR);
  console.log(`migrated PGlite template: ${file} (${Math.round(performance.now() - started)} ms)`);
} catch (error) {
  console.warn(`no migrated PGlite template (the first npm start will make it): ${(error as Error).message}`);
}
