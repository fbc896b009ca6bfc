import { describe, expect, it } from 'vitest';
import { toProblem } from '#shared/http/problem';
import { VendorNotConfigured } from '#shared/vendors/credentials';

describe('an integration the operator has not configured yet', () => {
  it('answers 503 (try later), not a 500', () => {
    const { problem } = toProblem(new VendorNotConfigured('Strava'), 'req-1');
    expect(problem.status).toBe(503);
    expect(problem.detail).toBe('Strava is not configured');
  });
});
