// Which 60-day means the athlete's profile takes: the rule behind users.resting_hr / hrv_rmssd following the check-ins.
import { describe, expect, it } from 'vitest';
import { followBaselines, type HeartProfile } from '#shared/domain/profile-baselines';

const profile: HeartProfile = { restingHr: 50, hrvRmssd: 60, maxHr: 190, lactateThresholdHr: 170 };

describe('the profile baselines', () => {
  it('follow the means: resting HR rounded to a whole beat, rMSSD at full precision', () => {
    expect(followBaselines(profile, { restingHr: 47.6, hrvRmssdMs: 64.25 })).toEqual({ restingHr: 48, hrvRmssd: 64.25 });
  });

  it('keep the stored value when there are too few readings (a null mean) or nothing moved', () => {
    expect(followBaselines(profile, { restingHr: null, hrvRmssdMs: null })).toEqual({});
    expect(followBaselines(profile, { restingHr: 50.4, hrvRmssdMs: 60 })).toEqual({});
  });

  it('never take a resting HR that reaches the lactate-threshold or max HR: it waits for the athlete to fix those', () => {
    expect(followBaselines({ ...profile, lactateThresholdHr: 60 }, { restingHr: 60, hrvRmssdMs: null })).toEqual({});
    expect(followBaselines({ ...profile, lactateThresholdHr: null, maxHr: 59 }, { restingHr: 59.2, hrvRmssdMs: null })).toEqual({});
    expect(followBaselines({ ...profile, lactateThresholdHr: null, maxHr: null }, { restingHr: 59.2, hrvRmssdMs: null })).toEqual({ restingHr: 59 });
  });

  it('never take values the profile cannot hold (resting HR 25-120 bpm, rMSSD above 0 and under 500 ms)', () => {
    expect(followBaselines(profile, { restingHr: 24.4, hrvRmssdMs: 500 })).toEqual({});
    expect(followBaselines({ ...profile, maxHr: null, lactateThresholdHr: null }, { restingHr: 120.4, hrvRmssdMs: 499.9 })).toEqual({
      restingHr: 120,
      hrvRmssd: 499.9,
    });
    expect(followBaselines({ ...profile, maxHr: null, lactateThresholdHr: null }, { restingHr: 120.5, hrvRmssdMs: 0 })).toEqual({});
  });

  it('fill a profile that had no baselines yet', () => {
    expect(followBaselines({ restingHr: null, hrvRmssd: null, maxHr: null, lactateThresholdHr: null }, { restingHr: 52, hrvRmssdMs: 71 })).toEqual({
      restingHr: 52,
      hrvRmssd: 71,
    });
  });
});
