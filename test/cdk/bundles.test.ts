// What ships in each Lambda, built exactly as NodejsFunction builds it (lib/aws/bundling.ts): no embedded
// PostgreSQL, local runtime, test or bench code; no other route's topology entry; no library we replaced
// (@redis/client, the SDK's credential chain beyond the environment); no AWS SDK code of its own (the clients come
// from the SDK layer, lib/aws/sdk-layer.ts, which exports every name a function imports); and at most
// MAX_BUNDLE_BYTES, whole.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  esbuildOptions,
  FORBIDDEN_IN_BUNDLES,
  MAX_BUNDLE_BYTES,
  REPLACED_IN_BUNDLES,
  SDK_INPUTS,
  SDK_LAYER_CLIENTS,
  SDK_LAYER_PATH,
  sdkLayerOptions,
} from '#lib/aws/bundling';
import { PROJECT_ROOT } from '#lib/aws/function';
import { functions } from '#lib/topology';

const entries = Object.entries(functions);
let dir: string;
let outputs: Map<string, { bytes: number; inputs: string[]; text: string }>;
let layer: { files: Map<string, number>; inputs: string[] };

/** One esbuild run for every entry: the same options as one NodejsFunction each, much faster. */
async function buildAll(sdk: 'layer' | 'layer-sources') {
  const { entryPoints: _entry, outfile: _outfile, ...options } = esbuildOptions('', '', { sourcemap: false, sdk });
  return build({
    ...options,
    entryPoints: Object.fromEntries(entries.map(([name, spec]) => [name, path.join(PROJECT_ROOT, spec.entry)])),
    outdir: path.join(dir, sdk),
    outExtension: { '.js': '.mjs' },
    write: false,
  });
}

beforeAll(async () => {
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'rc-bundle-test-'));
  const result = await buildAll('layer');
  const meta = result.metafile as Metafile;
  outputs = new Map(
    result.outputFiles
      .filter((file) => file.path.endsWith('.mjs'))
      .map((file) => {
        const key = Object.keys(meta.outputs).find((o) => path.resolve(o) === file.path)!;
        return [path.basename(file.path, '.mjs'), { bytes: file.contents.length, inputs: Object.keys(meta.outputs[key]!.inputs), text: file.text }];
      }),
  );
  const built = await build({ ...sdkLayerOptions(path.join(dir, 'layer')), write: false });
  layer = {
    files: new Map(built.outputFiles.map((file) => [path.basename(file.path), file.contents.length])),
    inputs: Object.values(built.metafile!.outputs).flatMap((o) => Object.keys(o.inputs)),
  };
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every Lambda bundle', () => {
  it('exists for every topology function', () => {
    expect([...outputs.keys()].sort()).toEqual(entries.map(([name]) => name).sort());
  });

  it('leaves out embedded PostgreSQL, the local runtime, tests and benches', () => {
    for (const [name, out] of outputs) {
      const forbidden = out.inputs.filter((input) => FORBIDDEN_IN_BUNDLES.some((pattern) => pattern.test(input)));
      expect(forbidden, name).toEqual([]);
    }
  });

  it('carries at most its own topology entry, never another route’s', () => {
    for (const [name, out] of outputs) {
      const own = functions[name as keyof typeof functions].entry;
      const others = [...out.text.matchAll(/entry:"(functions\/[^"]+)"/g)].map((m) => m[1]).filter((entry) => entry !== own);
      expect(others, name).toEqual([]);
    }
    // The check can see an entry: a handler that imports the topology carries its own.
    expect(outputs.get('getTrainingLoad')!.text).toContain(`entry:"${functions.getTrainingLoad.entry}"`);
  });

  it('carries no library we replaced: @redis/client, the SDK credential chain beyond the environment (nor does the SDK layer)', () => {
    for (const [name, out] of [...outputs, ['sdk layer', layer] as const]) {
      const replaced = out.inputs.filter((input) => REPLACED_IN_BUNDLES.some((pattern) => pattern.test(input)));
      expect(replaced, name).toEqual([]);
    }
  });

  it('holds no AWS SDK code of its own: it imports the clients from the layer, by path', () => {
    const users = new Set<string>();
    for (const [name, out] of outputs) {
      expect(
        out.inputs.filter((input) => SDK_INPUTS.some((pattern) => pattern.test(input))),
        name,
      ).toEqual([]);
      expect(out.text, name).not.toMatch(/from\s*"@aws-sdk\//);
      for (const [, client] of out.text.matchAll(new RegExp(`from\\s*"${SDK_LAYER_PATH}/([a-z-]+)\\.mjs"`, 'g'))) {
        expect(SDK_LAYER_CLIENTS, name).toContain(client);
        users.add(name);
      }
    }
    // The check can see an import: the functions that publish events or read secrets do.
    expect([...users]).toEqual(expect.arrayContaining(['authorizer', 'createActivity', 'normalizeActivity', 'pushMutations']));
  });

  it(`is at most ${MAX_BUNDLE_BYTES / 1024} KB, whole`, () => {
    const over = [...outputs].filter(([, out]) => out.bytes > MAX_BUNDLE_BYTES).map(([name, out]) => `${name} ${Math.round(out.bytes / 1024)} KB`);
    expect(over).toEqual([]);
  });
});

describe('the SDK layer', () => {
  it('has one module per client at the path the bundles import, and the chunks they share', () => {
    expect([...layer.files.keys()].filter((file) => !file.startsWith('shared-')).sort(), 'one module per client').toEqual(
      SDK_LAYER_CLIENTS.map((client) => `${client}.mjs`),
    );
    expect(layer.inputs.filter((input) => /node_modules\/@aws-sdk\/client-/.test(input)).length).toBeGreaterThan(0);
  });

  it('exports every name a function imports from a client (a missing one fails the build, not a Lambda)', async () => {
    await expect(buildAll('layer-sources')).resolves.toBeDefined();
    // The build does refuse a name the layer leaves out.
    const probe = path.join(dir, 'probe.ts');
    writeFileSync(
      probe,
      "import { DeleteMessageCommand } from '@aws-sdk/client-sqs';\nexport const handler = () => new DeleteMessageCommand({ QueueUrl: '', ReceiptHandle: '' });\n",
    );
    await expect(build({ ...esbuildOptions(probe, path.join(dir, 'probe.mjs'), { sdk: 'layer-sources' }), logLevel: 'silent', write: false })).rejects.toThrow(
      /No matching export .* "DeleteMessageCommand"/,
    );
  });
});
