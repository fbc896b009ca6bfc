// How a Lambda entry becomes its bundle, stated once: lib/aws/function.ts hands these options to
// NodejsFunction, and bench/bundles.bench.ts and test/cdk/bundles.test.ts run esbuild with the same
// ones to measure and check what ships.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Never in a Lambda: embedded PostgreSQL is the local runtime's and the tests' database. It is loaded by a
 * dynamic import on the embedded path only (shared/db/connection.ts), which AWS never takes.
 */
export const LOCAL_ONLY_MODULES: readonly string[] = ['@electric-sql/pglite'];

/** What no Lambda bundle may contain: embedded PostgreSQL, the local runtime, tests. */
export const FORBIDDEN_IN_BUNDLES: readonly RegExp[] = [/node_modules\/@electric-sql\/pglite\//, /(^|\/)lib\/local\//, /(^|\/)test\//, /(^|\/)bench\//];

/** Budget per bundle (minified index.mjs, whole). */
export const MAX_BUNDLE_BYTES = 500 * 1024;

/**
 * The AWS SDK clients a function bundles: EventBridge, SQS, Secrets Manager (the product owner's chosen
 * clients) and S3 (the publisher, the workers' retries, the secret reader, claim checks and the research
 * sink). Bundled rather than taken from the Lambda runtime: pinned to the version we test, and measured faster
 * to import (`npm run bench bundles`, column "SDK from runtime"). Their ~150 KB (after the credential alias
 * below) push those functions past MAX_BUNDLE_BYTES (test/cdk/bundles.test.ts holds everything else to it);
 * replacing the fixed clients with hand-signed requests would get under it, and is the product owner's call.
 */
export const SDK_CLIENT_INPUTS: readonly RegExp[] = [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//];

/**
 * Never bundled: @redis/client (the cache speaks RESP itself), and the SDK's credential chain beyond the
 * environment (aliased below).
 */
export const REPLACED_IN_BUNDLES: readonly RegExp[] = [
  /node_modules\/@redis\//,
  /node_modules\/@aws-sdk\/(nested-clients|credential-provider-(node|ini|sso|process|web-identity|http|login))\//,
];

/**
 * Inside a Lambda the SDK's default credential chain always ends at its first link, the environment; the
 * rest (SSO, STS, INI, IMDS, login: ~135 KB and their import time) is replaced by lib/aws/env-credentials.ts.
 * A path relative to the project root, where NodejsFunction runs esbuild.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './lib/aws/env-credentials.ts',
};

/**
 * pg (lib/stream.js) asks at import whether it runs in Cloudflare Workers: with no global `navigator` (Node
 * 20) it constructs a `Response`, which loads undici, 100-300 ms of every cold import on this machine.
 * Node 21+ (Lambda's 24) has `navigator`; fixing it at build time makes the bundle behave the same on both,
 * and `npm run bench bundles` (run here on Node 20) measure what Lambda runs.
 */
export const BUNDLE_DEFINES: Readonly<Record<string, string>> = { navigator: '{"userAgent":"Node.js"}' };

export const NODE_TARGET = 'node24';

/** ESM output still meets CommonJS dependencies that call `require` (pg, some SDK internals). */
const REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * No source maps: `npm run bench bundles` measures the median cold import with the map and
 * --enable-source-maps against without: 282 vs 358 ms (+27 %) before the secret reader and the RESP client,
 * 253 vs 350 ms (+38 %) after them (2026-11-30, empty module 25 ms); the maps also triple the asset. keepNames keeps function and class names in stack traces; a
 * position in the minified bundle is found again by bundling the same commit locally with sourcemap on.
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
  define: { ...BUNDLE_DEFINES },
  esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
};

/** The same bundle as NodejsFunction builds from BUNDLING, for esbuild's JS API (bench and tests). */
export function esbuildOptions(entry: string, outfile: string, overrides: { sourcemap?: boolean; external?: string[] } = {}): BuildOptions {
  const root = fileURLToPath(new URL('../../', import.meta.url));
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
    define: { ...BUNDLE_DEFINES },
    alias: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [from, path.join(root, to)])),
    metafile: true,
    logLevel: 'error',
  };
}
