// How a Lambda entry becomes its bundle, stated once: lib/aws/function.ts hands these options to
// NodejsFunction, and bench/bundles.bench.ts and test/cdk/bundles.test.ts run esbuild with the same
// ones to measure and check what ships.
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Never in a Lambda: embedded PostgreSQL is the local runtime's and the tests' database. It is loaded by a
 * dynamic import on the embedded path only (shared/db/connection.ts), which AWS never takes.
 */
export const LOCAL_ONLY_MODULES: readonly string[] = ['@electric-sql/pglite'];

/** What no Lambda bundle may contain: embedded PostgreSQL, the local runtime, tests. */
export const FORBIDDEN_IN_BUNDLES: readonly RegExp[] = [/node_modules\/@electric-sql\/pglite\//, /(^|\/)lib\/local\//, /(^|\/)test\//, /(^|\/)bench\//];

/** Budget per bundle (minified index.mjs), not counting the pinned AWS SDK and Redis client (below). */
export const MAX_BUNDLE_BYTES = 500 * 1024;

/**
 * Bundled although they push a function past MAX_BUNDLE_BYTES: the AWS SDK (~300 KB with its credential
 * chain; pinned to the version we test) and @redis/client (~440 KB, the idempotency cache). Measured
 * by `npm run bench bundles` (median over functions 282 ms bundled, 381 ms with the SDK imported from
 * node_modules as the Lambda runtime's copy would be) and by interleaved runs (logDailyMetrics 378 -> 632
 * ms, register 477 -> 715, stravaWebhook 426 -> 764): shipping the SDK bundled is the faster start. A function that uses
 * no SDK client (database-only routes sign their IAM token with node:crypto) stays under the budget whole.
 */
export const PINNED_LIBRARIES: readonly RegExp[] = [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//, /node_modules\/@redis\//];

export const NODE_TARGET = 'node24';

/** ESM output still meets CommonJS dependencies that call `require` (pg, some SDK internals). */
const REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * No source maps: `npm run bench bundles` measured the median cold import over all functions at 282 ms
 * without them and 358 ms with the map and --enable-source-maps (+27 %); the maps also triple the asset. keepNames keeps
 * function and class names in stack traces; a position in the minified bundle is found again by
 * bundling the same commit locally with sourcemap on.
 */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: false,
  keepNames: true,
  format: OutputFormat.ESM,
  target: NODE_TARGET,
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  // Pin the SDK version we test against instead of whatever the runtime ships.
  bundleAwsSDK: true,
  externalModules: [...LOCAL_ONLY_MODULES],
};

/** The same bundle as NodejsFunction builds from BUNDLING, for esbuild's JS API (bench and tests). */
export function esbuildOptions(entry: string, outfile: string, overrides: { sourcemap?: boolean; external?: string[] } = {}): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: BUNDLING.minify,
    keepNames: BUNDLING.keepNames,
    mainFields: [...(BUNDLING.mainFields ?? [])],
    banner: { js: BUNDLING.banner ?? '' },
    sourcemap: overrides.sourcemap ?? BUNDLING.sourceMap,
    external: [...(BUNDLING.externalModules ?? []), ...(overrides.external ?? [])],
    metafile: true,
    logLevel: 'error',
  };
}
