// The training-load season scenarios (test/support/scenarios.ts): a spike, a missed long run, a monotonous block.
// Kept apart from scenarios-readiness.test.ts so that the two halves run on both workers at once.
import { describe } from 'vitest';
import { SCENARIO_GROUPS, scenarioTests } from '#test/support/scenarios';

describe('the season scenarios', () => {
  scenarioTests(SCENARIO_GROUPS.load);
});
