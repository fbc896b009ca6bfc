// De-identification rules of the research dataset (../shared/science.md §6), pure:
// - quasi-identifiers (sex, age, weight, height, experience) go into bands, ages above 89 pooled;
// - k-anonymity (Sweeney 2002): full-domain generalisation, one level for the whole export, the lowest level at
//   which at most MAX_SUPPRESSED_FRACTION of the athletes sit in a group smaller than k; those are then
//   suppressed (left out of every file) and counted in the manifest;
// - pseudonyms are a keyed hash (HMAC-SHA256) under a key made for one export and discarded after it, so two
//   exports can't be joined to each other or to user ids (shared/research/export.ts draws and drops the key).
export const K_ANONYMITY = 5;
/** Generalise further while more than this share of athletes would have to be suppressed. */
export const MAX_SUPPRESSED_FRACTION = 0.05;
export const UNKNOWN = 'unknown';
export const ANY = '*';

export interface AthleteTraits {
  sex: string;
  /** Whole years on the export day; null when no birth date is known. */
  age: number | null;
  weightKg: number | null;
  heightCm: number | null;
  experience: string | null;
}

export interface QuasiIdentifiers {
  sex: string;
  ageBand: string;
  weightBand: string;
  heightBand: string;
  experience: string;
}

/** Band widths per generalisation level; null: the field is withheld (ANY) at that level. */
const LEVELS: ReadonlyArray<{ age: number; weight: number | null; height: number | null; experience: boolean }> = [
  { age: 5, weight: 5, height: 5, experience: true },
  { age: 10, weight: 10, height: 10, experience: true },
  { age: 20, weight: 20, height: 20, experience: true },
  { age: 20, weight: null, height: null, experience: true },
  { age: 20, weight: null, height: null, experience: false },
];
export const MAX_LEVEL = LEVELS.length - 1;

/** "30-39" for width 10; ages of 90 and above are one band (HIPAA Safe Harbor). */
export function band(value: number | null, width: number | null, top?: number): string {
  if (width === null) return ANY;
  if (value === null || !Number.isFinite(value)) return UNKNOWN;
  if (top !== undefined && value >= top) return `${top}+`;
  const low = Math.floor(value / width) * width;
  const high = Math.min(low + width - 1, top !== undefined ? top - 1 : Number.POSITIVE_INFINITY);
  return `${low}-${high}`;
}

export function generalise(traits: AthleteTraits, level: number): QuasiIdentifiers {
  const l = LEVELS[Math.min(Math.max(level, 0), MAX_LEVEL)]!;
  return {
    sex: traits.sex,
    ageBand: band(traits.age, l.age, 90),
    weightBand: band(traits.weightKg, l.weight),
    heightBand: band(traits.heightCm, l.height),
    experience: l.experience ? (traits.experience ?? UNKNOWN) : ANY,
  };
}

const keyOf = (q: QuasiIdentifiers) => `${q.sex}|${q.ageBand}|${q.weightBand}|${q.heightBand}|${q.experience}`;

export interface Anonymised<T> {
  level: number;
  k: number;
  /** Kept athletes with their generalised quasi-identifiers. */
  kept: Array<{ athlete: T; quasi: QuasiIdentifiers }>;
  suppressed: T[];
}

/** Chooses the generalisation level and suppresses what is still rarer than k. */
export function kAnonymise<T>(athletes: readonly T[], traitsOf: (athlete: T) => AthleteTraits, k = K_ANONYMITY): Anonymised<T> {
  let chosen: Anonymised<T> | null = null;
  for (let level = 0; level <= MAX_LEVEL; level++) {
    const rows = athletes.map((athlete) => ({ athlete, quasi: generalise(traitsOf(athlete), level) }));
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(keyOf(r.quasi), (counts.get(keyOf(r.quasi)) ?? 0) + 1);
    const kept = rows.filter((r) => counts.get(keyOf(r.quasi))! >= k);
    const suppressed = rows.filter((r) => counts.get(keyOf(r.quasi))! < k).map((r) => r.athlete);
    chosen = { level, k, kept, suppressed };
    if (suppressed.length <= MAX_SUPPRESSED_FRACTION * athletes.length) break;
  }
  return chosen ?? { level: 0, k, kept: [], suppressed: [] };
}
