// Sums the contract tallies every e2e file left (./local-runtime.ts) and prints what the run covered:
// which operations of the document were answered, how often, and which were never called.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Tally {
  operations: string[];
  covered: Record<string, number>;
  responses: number;
}

export function contractSummary(dir: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const operations = new Set<string>();
  const covered: Record<string, number> = {};
  let responses = 0;
  for (const file of files) {
    const tally = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Tally;
    tally.operations.forEach((o) => operations.add(o));
    for (const [operation, n] of Object.entries(tally.covered)) covered[operation] = (covered[operation] ?? 0) + n;
    responses += tally.responses;
  }
  const hit = [...operations].filter((o) => covered[o]);
  const missed = [...operations].filter((o) => !covered[o]).sort();
  const lines = [
    `contract: ${responses} responses checked against the OpenAPI document; ${hit.length} of ${operations.size} operations covered`,
    `  covered: ${hit
      .sort()
      .map((o) => `${o} (${covered[o]})`)
      .join(', ')}`,
    ...(missed.length > 0 ? [`  not called by any e2e test: ${missed.join(', ')}`] : []),
    ...Object.keys(covered)
      .filter((o) => !operations.has(o))
      .sort()
      .map((o) => `  also: ${o} (${covered[o]})`),
  ];
  return lines.join('\n');
}
