import { describe, expect, it } from 'vitest';
import { keptValue, refinedRunTypeStands } from '#shared/domain/athlete-precedence';

describe('whose word wins when an activity is delivered again', () => {
  it("keeps what the athlete said over a vendor's value, and lets a vendor fill only what is blank", () => {
    expect(keptValue(3, 8, false)).toBe(8);
    expect(keptValue(3, null, false)).toBe(3);
    expect(keptValue(null, null, false)).toBeNull();
  });

  it("lets the athlete's own entry change a value, but not clear it by leaving it out", () => {
    expect(keptValue(3, 8, true)).toBe(3);
    expect(keptValue(undefined, 8, true)).toBe(8);
    expect(keptValue(null, 8, true)).toBe(8);
  });

  it("keeps the athlete's tempo or long run when a vendor says run, but takes a change of sport", () => {
    expect(refinedRunTypeStands('tempo', 'run')).toBe(true);
    expect(refinedRunTypeStands('long_run', 'treadmill')).toBe(true);
    expect(refinedRunTypeStands('tempo', 'ride')).toBe(false);
    expect(refinedRunTypeStands('run', 'trail_run')).toBe(false);
  });
});
