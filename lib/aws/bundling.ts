// How a Lambda entry becomes its bundle, stated once: lib/aws/function.ts hands these options to
// NodejsFunction, and bench/bundles.bench.ts and test/cdk/bundles.test.ts run esbuild with the same
// ones to measure and check what ships.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions, Plugin } from 'esbuild';

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
 * The AWS SDK clients the functions use: EventBridge, SQS, Secrets Manager (the product owner's chosen clients)
 * and S3 (claim checks, the research sink). They ship once, in a layer (lib/aws/sdk-layer.ts): minified,
 * pinned to the version package-lock.json installs and the tests run, and split so that a function loads only the
 * clients it imports plus their shared core. Each function imports them from the layer's files by absolute path
 * (an ES module does not search NODE_PATH or /opt/nodejs), so its own bundle holds only our code and its other
 * dependencies and stays within MAX_BUNDLE_BYTES. Not the Lambda runtime's own SDK: its version is the runtime's,
 * and `npm run bench bundles` measures it slower to import (hundreds of files instead of a few).
 */
export const SDK_LAYER_CLIENTS = ['client-eventbridge', 'client-s3', 'client-secrets-manager', 'client-sqs'] as const;

/** Where Lambda mounts the layer's files (a layer's zip is extracted into /opt). */
export const SDK_LAYER_PATH = '/opt/aws-sdk';

/** The layer's entries: what the functions use of each client, re-exported (lib/aws/sdk-clients/). */
export const SDK_LAYER_SOURCES = 'lib/aws/sdk-clients';

/** `@aws-sdk/client-sqs` -> `<root>/client-sqs.mjs`, for every client of the layer. */
export function sdkAliases(root: string = SDK_LAYER_PATH): Record<string, string> {
  return Object.fromEntries(SDK_LAYER_CLIENTS.map((client) => [`@aws-sdk/${client}`, `${root}/${client}.mjs`]));
}

/** What a function bundle must never contain itself: the SDK comes from the layer. */
export const SDK_INPUTS: readonly RegExp[] = [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//];

/**
 * Never bundled: @redis/client (the cache speaks RESP itself), and the SDK's credential chain beyond the
 * environment (aliased below, in the layer).
 */
export const REPLACED_IN_BUNDLES: readonly RegExp[] = [
  /node_modules\/@redis\//,
  /node_modules\/@aws-sdk\/(nested-clients|credential-provider-(node|ini|sso|process|web-identity|http|login))\//,
];

/**
 * Inside a Lambda the SDK's default credential chain always ends at its first link, the environment; the
 * rest (SSO, STS, INI, IMDS, login: ~135 KB and their import time) is replaced by lib/aws/env-credentials.ts
 * in the layer's build. A path relative to the project root.
 */
export const SDK_LAYER_ALIASES: Readonly<Record<string, string>> = {
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
 * No source maps: `npm run bench bundles` measures the median cold import with the map and --enable-source-maps
 * against without: 171 vs 147 ms, and 168 vs 151 ms with the SDK from the layer (2026-11-30, empty module 15 ms);
 * the maps also triple the asset. keepNames keeps function and class names in stack traces; a position in the
 * minified bundle is found again by bundling the same commit locally with sourcemap on.
 */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: false,
  keepNames: true,
  format: OutputFormat.ESM,
  target: NODE_TARGET,
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  // Nothing from the runtime's own SDK: the clients come from our layer (aliased below), anything else is bundled.
  bundleAwsSDK: true,
  externalModules: [...LOCAL_ONLY_MODULES, `${SDK_LAYER_PATH}/*`],
  define: { ...BUNDLE_DEFINES },
  esbuildArgs: { '--alias': Object.entries(sdkAliases()).map(([from, to]) => `${from}=${to}`) },
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What every build here shares with NodejsFunction's (BUNDLING): the bundles and the SDK layer alike. */
const SHARED_BUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: NODE_TARGET,
  minify: BUNDLING.minify,
  keepNames: BUNDLING.keepNames,
  mainFields: [...(BUNDLING.mainFields ?? [])],
  banner: { js: BUNDLING.banner ?? '' },
  define: { ...BUNDLE_DEFINES },
  metafile: true,
  logLevel: 'error',
};

/**
 * The same bundle as NodejsFunction builds from BUNDLING, for esbuild's JS API (bench and tests). `sdk`: where
 * the SDK clients come from: the layer at `layerRoot` (default: where Lambda mounts it), the layer's sources
 * bundled in (to check that the layer exports every name a function imports), or the Lambda runtime's own SDK.
 */
export function esbuildOptions(
  entry: string,
  outfile: string,
  overrides: { sourcemap?: boolean; sdk?: 'layer' | 'layer-sources' | 'runtime'; layerRoot?: string } = {},
): BuildOptions {
  const sdk = overrides.sdk ?? 'layer';
  const layerRoot = overrides.layerRoot ?? SDK_LAYER_PATH;
  const sources = path.join(ROOT, SDK_LAYER_SOURCES);
  // The layer's sources in place of the clients, except for their own imports of the clients.
  const throughLayerSources: Plugin = {
    name: 'sdk-layer-sources',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/client-[a-z0-9-]+$/ }, (args) => {
        const client = args.path.slice('@aws-sdk/'.length);
        if (args.importer.startsWith(sources) || !(SDK_LAYER_CLIENTS as readonly string[]).includes(client)) return undefined;
        return { path: path.join(sources, `${client}.ts`) };
      });
    },
  };
  return {
    ...SHARED_BUILD,
    entryPoints: [entry],
    outfile,
    sourcemap: overrides.sourcemap ?? BUNDLING.sourceMap,
    external: [...LOCAL_ONLY_MODULES, ...(sdk === 'layer' ? [`${layerRoot}/*`] : sdk === 'runtime' ? ['@aws-sdk/*', '@smithy/*'] : [])],
    alias: sdk === 'layer' ? sdkAliases(layerRoot) : sdk === 'layer-sources' ? layerAliases() : {},
    plugins: sdk === 'layer-sources' ? [throughLayerSources] : [],
  };
}

const layerAliases = () => Object.fromEntries(Object.entries(SDK_LAYER_ALIASES).map(([from, to]) => [from, path.join(ROOT, to)]));

/**
 * The layer's files, written to `outdir` (lib/aws/sdk-layer.ts puts them at the layer's aws-sdk/): one module per
 * client, named as sdkAliases names them, and the chunks they share, split so that a function loads only what its
 * clients need.
 */
export function sdkLayerOptions(outdir: string): BuildOptions {
  return {
    ...SHARED_BUILD,
    entryPoints: Object.fromEntries(SDK_LAYER_CLIENTS.map((client) => [client, path.join(ROOT, SDK_LAYER_SOURCES, `${client}.ts`)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'shared-[hash]',
    splitting: true,
    sourcemap: false,
    alias: layerAliases(),
  };
}
