// A bound on how many of one kind of expensive work run at once, with a bounded wait line. Past the line
// the caller is refused at once (the API answers 503 with Retry-After) instead of queueing until timeout.

export class Saturated extends Error {
  constructor(readonly what: string) {
    super(`${what}: too many waiting`);
    this.name = 'Saturated';
  }
}

export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** The most that ever ran at once (for tests and benchmarks). */
  peak = 0;

  constructor(
    readonly what: string,
    readonly maxRunning: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) throw new Saturated(this.what);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    this.peak = Math.max(this.peak, this.running);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the line.
      if (next) next();
      else this.running -= 1;
    }
  }
}
