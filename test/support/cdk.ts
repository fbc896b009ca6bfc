// Stacks under test are built with the project's own context (cdk.json's feature flags), so the template
// a test reads is the one `cdk synth` produces. Bundling is skipped: `npm run synth` proves the entries
// bundle, and bench/bundles.bench.ts (with test/cdk/bundles.test.ts) measures them.
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

export const PROJECT_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;

export function projectApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...PROJECT_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
}
