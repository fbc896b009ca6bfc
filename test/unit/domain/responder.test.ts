// Responder classification v1: the rule's promises, as properties over synthetic athletes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/domain/dates';
import { classifyResponder, MIN_HR_WEEKS, responderClasses, type ResponderInput, type ResponderRun, type ResponderWellnessDay } from '#shared/domain/responder';

const TODAY = '2027-06-30';
const rank = (c: string | null) => (c === null ? -1 : responderClasses.indexOf(c as never));

interface Athlete {
  /** Relative EF change over the window, e.g. 0.06 = 6% more speed per heartbeat. */
  efGain: number;
  /** ln rMSSD drift of the last week against the 60-day normal, in ln units. */
  hrvShift: number;
  /** Resting-HR change late vs early, bpm. */
  rhrChange: number;
  /** Chronic load at the start and end of the window. */
  chronicAtStart: number;
  chronicAtEnd: number;
  /** Which of the 16 weeks (0 = newest) have a run. */
  weeks: number[];
  withRpe: boolean;
}

/** Two easy runs a week on the chosen weeks, EF moving linearly from 1.0 to 1.0 + efGain (old to new). */
function athlete(a: Athlete): ResponderInput {
  const runs: ResponderRun[] = [];
  for (const week of a.weeks) {
    const progress = (15 - week) / 15;
    const ef = 0.9 * (1 + a.efGain * progress);
    for (const dayInWeek of [1, 4]) {
      const avgHr = 140;
      const durationMinutes = 50;
      runs.push({
        date: addDays(TODAY, -(week * 7 + dayInWeek)),
        durationMinutes,
        distanceMeters: ef * avgHr * durationMinutes,
        avgHr,
        rpe: a.withRpe ? 4 : null,
      });
    }
  }
  const wellness: ResponderWellnessDay[] = [];
  for (let back = 0; back < 112; back++) {
    const date = addDays(TODAY, -back);
    const lnBase = Math.log(60) + 0.05 * Math.sin(back); // a normal day-to-day spread
    const lastWeek = back < 7;
    const progress = (111 - back) / 111;
    wellness.push({ date, hrvRmssd: Math.exp(lnBase + (lastWeek ? a.hrvShift : 0)), restingHr: Math.round(55 + a.rhrChange * progress) });
  }
  return { today: TODAY, runs, wellness, chronicAtStart: a.chronicAtStart, chronicAtEnd: a.chronicAtEnd, maxHr: 190 };
}

const everyWeek = Array.from({ length: 16 }, (_, i) => i);
const base: Athlete = { efGain: 0.03, hrvShift: 0, rhrChange: 0, chronicAtStart: 300, chronicAtEnd: 330, weeks: everyWeek, withRpe: true };
const arbAthlete = fc.record({
  efGain: fc.double({ min: -0.15, max: 0.25, noNaN: true }),
  hrvShift: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
  rhrChange: fc.integer({ min: -8, max: 8 }),
  chronicAtStart: fc.double({ min: 100, max: 600, noNaN: true }),
  chronicAtEnd: fc.double({ min: 100, max: 900, noNaN: true }),
  weeks: fc.constant(everyWeek),
  withRpe: fc.boolean(),
});

describe('responder classification', () => {
  it('classifies a clear responder high, a flat one moderate or low, a declining one low', () => {
    expect(classifyResponder(athlete({ ...base, efGain: 0.12, rhrChange: -4, hrvShift: 0.1 })).classification).toBe('high');
    expect(classifyResponder(athlete({ ...base, efGain: 0.03 })).classification).toBe('moderate');
    expect(classifyResponder(athlete({ ...base, efGain: -0.05, rhrChange: 4, hrvShift: -0.2 })).classification).toBe('low');
  });

  it('stores the numbers that decided it', () => {
    const { evidence } = classifyResponder(athlete({ ...base, efGain: 0.1 }));
    expect(evidence.reason).toBeNull();
    // Medians of the first and last four weeks of a linear 10% ramp lie 12 of its 15 weeks apart: 8%.
    expect(evidence.efficiency!.changePct).toBeCloseTo(8, 0);
    expect(evidence.chronicLoad).toEqual({ start: 300, end: 330, changePct: 10 });
    expect(evidence.window.weeksWithHr).toBe(16);
    expect(evidence.hrv).not.toBeNull();
    expect(evidence.restingHr).not.toBeNull();
    expect(evidence.rpeAtPace).not.toBeNull();
    expect(typeof evidence.score).toBe('number');
  });

  it(`needs easy runs with HR in ${MIN_HR_WEEKS} weeks: fewer is null with insufficient_data naming what is missing`, () => {
    const verdict = classifyResponder(athlete({ ...base, weeks: [0, 2, 4, 6, 9] }));
    expect(verdict.classification).toBeNull();
    expect(verdict.evidence.reason).toBe('insufficient_data');
    expect(verdict.evidence.missing.join(' ')).toMatch(/6 of the last 16 weeks \(found 5\)/);
  });

  it('needs the runs spread over 8 weeks', () => {
    const verdict = classifyResponder(athlete({ ...base, weeks: [0, 1, 2, 3, 4, 5] }));
    expect(verdict.classification).toBeNull();
    expect(verdict.evidence.missing.join(' ')).toMatch(/at least 8 weeks/);
  });

  it('does not judge detraining: chronic load falling more than 20% gives no class', () => {
    const verdict = classifyResponder(athlete({ ...base, chronicAtStart: 400, chronicAtEnd: 250 }));
    expect(verdict.classification).toBeNull();
    expect(verdict.evidence.missing.join(' ')).toMatch(/chronic load fell 37.5%/);
  });

  it('ignores hard runs (RPE above 5 or HR above 80% of max): they are not comparable effort', () => {
    const input = athlete(base);
    const hard = input.runs.map((r) => ({ ...r, rpe: 8 }));
    expect(classifyResponder({ ...input, runs: hard }).classification).toBeNull();
    const fast = input.runs.map((r) => ({ ...r, avgHr: 170, distanceMeters: (r.distanceMeters / 140) * 170 }));
    expect(classifyResponder({ ...input, runs: fast }).classification).toBeNull();
  });

  it('property: a stronger efficiency gain never gives a lower class', () => {
    fc.assert(
      fc.property(arbAthlete, fc.double({ min: 0, max: 0.2, noNaN: true }), (a, more) => {
        const weaker = classifyResponder(athlete(a)).classification;
        const stronger = classifyResponder(athlete({ ...a, efGain: a.efGain + more })).classification;
        return rank(stronger) >= rank(weaker);
      }),
      { numRuns: 150 },
    );
  });

  it('property: a better HRV trend or a falling resting HR never gives a lower class', () => {
    fc.assert(
      fc.property(arbAthlete, fc.double({ min: 0, max: 0.3, noNaN: true }), fc.integer({ min: 0, max: 6 }), (a, hrvBetter, rhrBetter) => {
        const before = classifyResponder(athlete(a)).classification;
        const after = classifyResponder(athlete({ ...a, hrvShift: a.hrvShift + hrvBetter, rhrChange: a.rhrChange - rhrBetter })).classification;
        return rank(after) >= rank(before);
      }),
      { numRuns: 150 },
    );
  });

  it('property: the same gain bought with more load never gives a higher class', () => {
    fc.assert(
      fc.property(arbAthlete, fc.double({ min: 0, max: 300, noNaN: true }), (a, moreLoad) => {
        const before = classifyResponder(athlete(a)).classification;
        const after = classifyResponder(athlete({ ...a, chronicAtEnd: a.chronicAtEnd + moreLoad })).classification;
        return before === null || after === null || rank(after) <= rank(before);
      }),
      { numRuns: 150 },
    );
  });

  it('property: every verdict is a class with its score, or null with a reason and what is missing', () => {
    fc.assert(
      fc.property(arbAthlete, fc.subarray(everyWeek), (a, weeks) => {
        const { classification, evidence } = classifyResponder(athlete({ ...a, weeks }));
        if (classification === null) return evidence.reason === 'insufficient_data' && evidence.missing.length > 0 && evidence.score === null;
        return evidence.reason === null && evidence.missing.length === 0 && Number.isFinite(evidence.score) && responderClasses.includes(classification);
      }),
      { numRuns: 200 },
    );
  });
});
