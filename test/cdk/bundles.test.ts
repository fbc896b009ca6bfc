// What ships in each Lambda, built exactly as NodejsFunction builds it (lib/aws/bundling.ts): no embedded
// PostgreSQL, local runtime, test or bench code; no other route's topology entry; no library we replaced
// (@redis/client, the SDK's credential chain beyond the environment); and the size budget, whole
// (lib/aws/bundling.ts says which functions still exceed it, and why).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, FORBIDDEN_IN_BUNDLES, MAX_BUNDLE_BYTES, REPLACED_IN_BUNDLES, SDK_CLIENT_INPUTS } from '#lib/aws/bundling';
import { PROJECT_ROOT } from '#lib/aws/function';
import { functions } from '#lib/topology';

const entries = Object.entries(functions);
let dir: string;
let outputs: Map<string, { bytes: number; inputs: string[]; sdkBytes: number; text: string }>;

beforeAll(async () => {
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'rc-bundle-test-'));
  // One esbuild run for every entry: the same options as one NodejsFunction each, much faster.
  const { entryPoints: _entry, outfile: _outfile, ...options } = esbuildOptions('', '', { sourcemap: false });
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(entries.map(([name, spec]) => [name, path.join(PROJECT_ROOT, spec.entry)])),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    write: false,
  });
  const meta = result.metafile as Metafile;
  outputs = new Map(
    result.outputFiles
      .filter((file) => file.path.endsWith('.mjs'))
      .map((file) => {
        const key = Object.keys(meta.outputs).find((o) => path.resolve(o) === file.path)!;
        const inputs = meta.outputs[key]!.inputs;
        const sdkBytes = Object.entries(inputs)
          .filter(([input]) => SDK_CLIENT_INPUTS.some((pattern) => pattern.test(input)))
          .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
        return [path.basename(file.path, '.mjs'), { bytes: file.contents.length, inputs: Object.keys(inputs), sdkBytes, text: file.text }];
      }),
  );
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

  it('carries no library we replaced: @redis/client, the SDK credential chain beyond the environment', () => {
    for (const [name, out] of outputs) {
      const replaced = out.inputs.filter((input) => REPLACED_IN_BUNDLES.some((pattern) => pattern.test(input)));
      expect(replaced, name).toEqual([]);
    }
  });

  it(`is at most ${MAX_BUNDLE_BYTES / 1024} KB whole, unless it bundles an EventBridge, SQS, Secrets Manager or S3 client`, () => {
    const withClient = (out: { inputs: string[] }) =>
      out.inputs.some((input) => /node_modules\/@aws-sdk\/client-(eventbridge|sqs|secrets-manager|s3)\//.test(input));
    // Any other SDK code would have to come with one of those clients.
    for (const [name, out] of outputs) if (out.sdkBytes > 0) expect(withClient(out), name).toBe(true);
    const over = [...outputs]
      .filter(([, out]) => out.bytes > MAX_BUNDLE_BYTES && !withClient(out))
      .map(([name, out]) => `${name} ${Math.round(out.bytes / 1024)} KB`);
    expect(over).toEqual([]);
    // Those that use the cache (our RESP client, not @redis/client) are among them now, whole, and so is the
    // one function that reads a secret with no database: the Secrets Manager client alone fits.
    const within = [...outputs].filter(([, out]) => out.bytes <= MAX_BUNDLE_BYTES).map(([name]) => name);
    expect(within).toEqual(
      expect.arrayContaining(['getTrainingLoad', 'getMe', 'listActivities', 'health', 'stravaSubscriptionValidation', 'getHome', 'deleteMe']),
    );
  });

  it(`is at most ${MAX_BUNDLE_BYTES / 1024} KB besides its EventBridge, SQS, Secrets Manager or S3 client`, () => {
    const over = [...outputs]
      .filter(([, out]) => out.bytes - out.sdkBytes > MAX_BUNDLE_BYTES)
      .map(([name, out]) => `${name} ${Math.round((out.bytes - out.sdkBytes) / 1024)} KB`);
    expect(over).toEqual([]);
  });
});
