// How an activity's samples are stored (migration 0006): one array per channel, indexed by the second
// since the start (index i is offset i), null where that second has no reading; a channel without any
// reading is null. At 1 Hz the offsets are the positions, so they cost nothing. Pure: no I/O.
import type { HeartRateSample } from '#shared/domain/trimp';
import type { ActivitySample } from '#shared/domain/activity-candidate';

export type Channel = (number | null)[] | null;

export interface SampleChannels {
  /** Length of every channel: the last sample's offset + 1. */
  seconds: number;
  hr: Channel;
  /** m/s: pace is unbounded at a standstill, speed is not; pace s/km = 1000 / speed_mps. */
  speed_mps: Channel;
  cadence: Channel;
  power_w: Channel;
}

/** One sample as the export spells it: the per-second row layout of migration 0001, kept for clients. */
export interface SampleRow {
  offsetSeconds: number;
  hr: number | null;
  speedMps: number | null;
  cadence: number | null;
  powerW: number | null;
}

/**
 * Samples (one per second at most, in time order: normaliseSamples) as channels. Each present channel runs
 * from second 0 to the last sample, so they line up.
 */
export function toChannels(samples: readonly ActivitySample[]): SampleChannels {
  const length = samples.length === 0 ? 0 : samples[samples.length - 1]!.offsetSeconds + 1;
  const grid = (): (number | null)[] => new Array<number | null>(length).fill(null);
  const hr = grid();
  const speed = grid();
  const cadence = grid();
  const power = grid();
  for (const s of samples) {
    const i = s.offsetSeconds;
    if (s.hr !== undefined) hr[i] = s.hr;
    if (s.paceSecondsPerKm !== undefined) speed[i] = 1000 / s.paceSecondsPerKm;
    if (s.cadence !== undefined) cadence[i] = s.cadence;
    if (s.power !== undefined) power[i] = s.power;
  }
  const present = (channel: (number | null)[]): Channel => (channel.some((v) => v !== null) ? channel : null);
  return { seconds: length, hr: present(hr), speed_mps: present(speed), cadence: present(cadence), power_w: present(power) };
}

/** The heart-rate readings of a stored channel, for TRIMP. */
export function heartRatesOf(hr: Channel): HeartRateSample[] {
  const out: HeartRateSample[] = [];
  if (!hr) return out;
  for (let i = 0; i < hr.length; i++) {
    const value = hr[i];
    if (value !== null && value !== undefined) out.push({ offsetS: i, hr: value });
  }
  return out;
}

/** The seconds that have a reading, as rows in time order (the export's shape). */
export function sampleRowsOf(channels: SampleChannels): SampleRow[] {
  const { seconds, hr, speed_mps, cadence, power_w } = channels;
  const out: SampleRow[] = [];
  for (let i = 0; i < seconds; i++) {
    const row: SampleRow = {
      offsetSeconds: i,
      hr: hr?.[i] ?? null,
      speedMps: speed_mps?.[i] ?? null,
      cadence: cadence?.[i] ?? null,
      powerW: power_w?.[i] ?? null,
    };
    if (row.hr !== null || row.speedMps !== null || row.cadence !== null || row.powerW !== null) out.push(row);
  }
  return out;
}
