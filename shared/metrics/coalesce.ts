// A batch often holds several messages for one user (a sync of ten activities): they need one recompute from
// the earliest of their days, not ten that race each other. Requests for a key join the run that has not
// started yet (keeping the earliest day); a request that arrives while a run is under way waits for it and
// then runs again, because that run may have read before the request's change.

export type Coalesced<R> = (key: string, from: string) => Promise<R>;

export function coalescePerKey<R>(run: (key: string, from: string) => Promise<R>): Coalesced<R> {
  const waiting = new Map<string, { from: string; result: Promise<R> }>();
  const running = new Map<string, Promise<void>>();

  return (key, from) => {
    const queued = waiting.get(key);
    if (queued) {
      if (from < queued.from) queued.from = from;
      return queued.result;
    }
    const entry = { from, result: undefined as unknown as Promise<R> };
    const previous = running.get(key) ?? Promise.resolve();
    entry.result = previous
      // Let the rest of the batch (records are handled in parallel) join before the read.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        waiting.delete(key);
        return run(key, entry.from);
      });
    waiting.set(key, entry);
    const settled = entry.result.then(
      () => undefined,
      () => undefined,
    );
    running.set(key, settled);
    void settled.then(() => {
      if (running.get(key) === settled) running.delete(key);
    });
    return entry.result;
  };
}
