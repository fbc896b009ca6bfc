import { describe, expect, it } from 'vitest';
import { coalescePerKey } from '#shared/metrics/coalesce';

function recorder() {
  const runs: [string, string][] = [];
  const gates: (() => void)[] = [];
  const run = (key: string, from: string) =>
    new Promise<string>((resolve) => {
      runs.push([key, from]);
      gates.push(() => resolve(`${key}@${from}`));
    });
  return { runs, gates, run };
}

// The coalescer starts a run on the check phase after the requests' microtasks: two turns see it started.
const tick = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
};

describe('one recompute per user per batch', () => {
  it('messages of one batch for one user share one run from the earliest day', async () => {
    const { runs, gates, run } = recorder();
    const request = coalescePerKey(run);
    const results = [request('ann', '2024-05-03'), request('ann', '2024-05-01'), request('bob', '2024-05-02'), request('ann', '2024-05-02')];
    await tick();
    expect(runs).toEqual([
      ['ann', '2024-05-01'],
      ['bob', '2024-05-02'],
    ]);
    gates.forEach((open) => open());
    expect(await Promise.all(results)).toEqual(['ann@2024-05-01', 'ann@2024-05-01', 'bob@2024-05-02', 'ann@2024-05-01']);
  });

  it('a message that arrives during a run waits for it, then runs again (the run may have read before it)', async () => {
    const { runs, gates, run } = recorder();
    const request = coalescePerKey(run);
    const first = request('ann', '2024-05-03');
    await tick();
    const second = request('ann', '2024-05-04');
    const third = request('ann', '2024-05-02');
    await tick();
    expect(runs).toEqual([['ann', '2024-05-03']]);
    gates[0]!();
    expect(await first).toBe('ann@2024-05-03');
    await tick();
    expect(runs).toEqual([
      ['ann', '2024-05-03'],
      ['ann', '2024-05-02'],
    ]);
    gates[1]!();
    expect(await Promise.all([second, third])).toEqual(['ann@2024-05-02', 'ann@2024-05-02']);
  });

  it('a failed run fails its messages only; the next one still runs', async () => {
    const calls: string[] = [];
    const request = coalescePerKey(async (_key, from) => {
      calls.push(from);
      if (from === 'bad') throw new Error('boom');
      return from;
    });
    await expect(request('ann', 'bad')).rejects.toThrow('boom');
    expect(await request('ann', 'good')).toBe('good');
    expect(calls).toEqual(['bad', 'good']);
  });
});
