// "Now" is a dependency: the user's local today, "in the future" checks and token expiry all read it
// from here, so tests and benchmarks can pin it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export function clock(): Clock {
  return current;
}

/** Tests pin time; pass undefined to return to the system clock. */
export function setClock(next: Clock | undefined): void {
  current = next ?? systemClock;
}
