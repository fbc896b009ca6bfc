// `npm run bench bundles`: every Lambda of the topology bundled exactly as it ships (lib/aws/bundling.ts),
// its minified size, and the median time a fresh Node process takes to import it (5 runs each) with the SDK
// layer's files it imports, beside an empty module imported the same way in the same run. Also with
// --enable-source-maps (what the source-map decision rests on) and with the AWS SDK left to the Lambda
// runtime's own copy (what the layer is measured against).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, MAX_BUNDLE_BYTES, SDK_LAYER_PATH, sdkLayerOptions } from '#lib/aws/bundling';
import { PROJECT_ROOT } from '#lib/aws/function';
import { functions } from '#lib/topology';

const RUNS = 5;

/** Milliseconds from process start of the import to its end, measured inside a fresh process. */
function coldImportMs(file: string, nodeOptions: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: 'production', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return Number(out);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The layer files a module imports, directly or through the chunks it imports (static imports only). */
function layerFilesOf(file: string, layer: string, seen = new Set<string>()): Set<string> {
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from\s*"([^"]+\.mjs)"/g)) {
    const target = spec!.startsWith(layer) ? spec! : spec!.startsWith('./') && file.startsWith(layer) ? path.join(layer, spec!) : undefined;
    if (target && !seen.has(target)) {
      seen.add(target);
      layerFilesOf(target, layer, seen);
    }
  }
  return seen;
}

const medianOf = (file: string, nodeOptions: string[] = []) => median(Array.from({ length: RUNS }, () => coldImportMs(file, nodeOptions)));

export default async function bundles(): Promise<void> {
  // Inside the project, so that the variant with the SDK left out resolves it from node_modules, as the
  // Lambda runtime would from its own.
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'rc-bundles-'));
  try {
    const empty = path.join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const handler = async () => undefined;\n');
    // The SDK layer as it ships, at a local stand-in for /opt/aws-sdk.
    const layer = path.join(dir, 'layer', path.basename(SDK_LAYER_PATH));
    await build(sdkLayerOptions(layer));
    const layerFiles = readdirSync(layer).map((file) => ({ file, kb: statSync(path.join(layer, file)).size / 1024 }));
    const rows: Array<{ name: string; kb: number; layerKb: number; ms: number; maps: number; sdkKb: number; sdkMs: number; empty: number }> = [];
    for (const [name, spec] of Object.entries(functions)) {
      const entry = path.join(PROJECT_ROOT, spec.entry);
      const shipped = path.join(dir, name, 'index.mjs');
      await build(esbuildOptions(entry, shipped, { layerRoot: layer }));
      // What shipping source maps would cost: the same bundle with its map, loaded with --enable-source-maps.
      const withMaps = path.join(dir, name, 'with-maps.mjs');
      await build(esbuildOptions(entry, withMaps, { sourcemap: true, layerRoot: layer }));
      const runtimeSdk = path.join(dir, name, 'runtime-sdk.mjs');
      await build(esbuildOptions(entry, runtimeSdk, { sdk: 'runtime' }));
      rows.push({
        name,
        kb: statSync(shipped).size / 1024,
        layerKb: [...layerFilesOf(shipped, layer)].reduce((sum, file) => sum + statSync(file).size / 1024, 0),
        ms: medianOf(shipped),
        maps: medianOf(withMaps, ['--enable-source-maps']),
        sdkKb: statSync(runtimeSdk).size / 1024,
        sdkMs: medianOf(runtimeSdk),
        // The baseline beside each function, so that a load spike on this shared machine moves both.
        empty: medianOf(empty),
      });
    }
    const baseline = median(rows.map((r) => r.empty));
    const baselineMaps = medianOf(empty, ['--enable-source-maps']);
    // The three variants of a function are measured one after the other, so a load spike on this shared
    // machine shows up as noise across functions rather than as a bias between variants.
    console.log(
      `cold import, median of ${RUNS} fresh processes; empty module (measured beside each function, median): ${baseline.toFixed(1)} ms (${baselineMaps.toFixed(1)} ms with source maps)`,
    );
    console.log(`SDK layer (${SDK_LAYER_PATH}): ${layerFiles.map((f) => `${f.file} ${f.kb.toFixed(0)} KB`).join(', ')}`);
    console.log('function                         KB  +layer KB    ms  x empty | +source maps ms | SDK from runtime: KB    ms');
    for (const r of rows) {
      const over = r.kb * 1024 > MAX_BUNDLE_BYTES ? ' OVER' : '';
      console.log(
        `${r.name.padEnd(30)} ${r.kb.toFixed(0).padStart(5)}${over.padEnd(5)} ${r.layerKb.toFixed(0).padStart(5)} ${r.ms.toFixed(0).padStart(4)} ${(r.ms / r.empty).toFixed(1).padStart(6)} | ${r.maps.toFixed(0).padStart(15)} | ${r.sdkKb.toFixed(0).padStart(20)} ${r.sdkMs.toFixed(0).padStart(5)}`,
      );
    }
    const all = (pick: (r: (typeof rows)[number]) => number) => median(rows.map(pick));
    const largest = rows.reduce((a, b) => (b.kb > a.kb ? b : a));
    const over = rows.filter((r) => r.kb * 1024 > MAX_BUNDLE_BYTES);
    console.log(
      `largest: ${largest.name} ${largest.kb.toFixed(0)} KB; over ${MAX_BUNDLE_BYTES / 1024} KB: ${over.length} of ${rows.length} (${over.map((r) => r.name).join(', ') || 'none'})`,
    );
    console.log(
      `median over functions: ${all((r) => r.kb).toFixed(0)} KB, ${all((r) => r.ms).toFixed(0)} ms (${all((r) => r.ms / r.empty).toFixed(1)}x empty); with source maps ${all((r) => r.maps).toFixed(0)} ms; SDK from runtime ${all((r) => r.sdkKb).toFixed(0)} KB, ${all((r) => r.sdkMs).toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
