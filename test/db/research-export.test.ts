// The anonymized research dataset: each promise of the issue, checked on the files an export writes.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEverything } from '#test/support/seed';
import { addDays } from '#shared/domain/dates';
import { eraseAccount } from '#shared/account/erasure';
import { exportResearchDataset } from '#shared/research/export';
import { DirectorySink } from '#shared/research/sink';
import { FILES } from '#shared/research/dictionary';
import { createTestUser } from '#test/support/auth';
import { testDb, type TestDb } from '#test/support/db';

let database: TestDb;
let scratch: string;
const NOW = new Date('2027-06-30T02:00:00Z');

beforeAll(async () => {
  database = await testDb();
  scratch = await mkdtemp(path.join(tmpdir(), 'research-test-'));
});
afterAll(async () => {
  await database?.close();
  await rm(scratch, { recursive: true, force: true });
});

type Csv = Record<string, string>[];
function parseCsv(text: string): Csv {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

async function runExport(): Promise<{ dir: string; files: Record<string, string>; csv: Record<string, Csv>; manifest: any }> {
  const dir = path.join(scratch, randomUUID());
  await exportResearchDataset(database.db, new DirectorySink(dir), NOW);
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[name] = await readFile(path.join(dir, name), 'utf8');
  const csv = Object.fromEntries(Object.keys(FILES).map((name) => [name, parseCsv(files[`${name}.csv`]!)]));
  return { dir, files, csv, manifest: JSON.parse(files['manifest.json']!) };
}

interface Planted {
  userId: string;
  email: string;
  secrets: string[];
}

/** A consenting athlete with every table filled and a unique string planted in every free-text field. */
async function consentingAthlete(traits: { sex: 'female' | 'male'; dob: string; weight: number; height: number }, consent = true): Promise<Planted> {
  const user = await createTestUser(database.db, {
    sex: traits.sex,
    dob: traits.dob,
    weight_kg: traits.weight,
    height_cm: traits.height,
    research_consent: consent,
    time_zone: 'Pacific/Chatham',
  });
  const seeded = await seedEverything(database.db, user.userId);
  const note = `note-${randomUUID()}`;
  const title = `title-${randomUUID()}`;
  const extId = `ext-${randomUUID()}`;
  await database.db
    .updateTable('activities')
    .set({ notes: note, external_id: extId, avg_hr: 150, distance_meters: 10_000 })
    .where('user_id', '=', user.userId)
    .execute();
  await database.db.updateTable('notifications').set({ title, body: title }).where('user_id', '=', user.userId).execute();
  await database.db
    .updateTable('scheduled_workouts')
    .set({ description: `desc-${note}` })
    .where('user_id', '=', user.userId)
    .execute();
  await database.db
    .insertInto('daily_metrics')
    .values([0, 1, 2].map((i) => ({ user_id: user.userId, date: addDays('2027-05-01', i), resting_hr: 50 + i, soreness: 3 })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  return {
    userId: user.userId,
    email: user.email,
    secrets: [user.userId, user.email, note, title, extId, seeded.vendorUserId, seeded.marker, 'Pacific/Chatham', traits.dob],
  };
}

describe('the research export', () => {
  let athletes: Planted[];
  let refusing: Planted;
  let rare: Planted;

  beforeAll(async () => {
    // Six similar athletes (one k-group at most levels) and one unlike anyone else.
    athletes = [];
    for (let i = 0; i < 6; i++) athletes.push(await consentingAthlete({ sex: 'female', dob: `1990-0${1 + i}-15`, weight: 60 + i * 0.5, height: 168 }));
    rare = await consentingAthlete({ sex: 'male', dob: '1940-02-02', weight: 140, height: 205 });
    refusing = await consentingAthlete({ sex: 'female', dob: '1990-03-15', weight: 61, height: 168 }, false);
  });

  it('leaves out every identifier and free-text field (planted strings are nowhere in the output)', async () => {
    const { files } = await runExport();
    const everything = Object.values(files).join('\n');
    for (const athlete of [...athletes, rare, refusing]) {
      for (const secret of athlete.secrets) expect(everything, `planted ${secret}`).not.toContain(secret);
    }
    // No calendar date of the data survives either: only offsets and weekdays.
    expect(everything).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
    expect(everything).not.toMatch(/\b19\d\d-\d\d-\d\d\b/);
  });

  it('holds k = 5 over the quasi-identifiers, suppressing the rare athlete and reporting it', async () => {
    const { csv, manifest } = await runExport();
    const groups = new Map<string, number>();
    for (const a of csv.athletes!) {
      const key = [a.sex, a.age_band, a.weight_band, a.height_band, a.experience].join('|');
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    for (const [key, count] of groups) expect(count, key).toBeGreaterThanOrEqual(5);
    expect(manifest.k).toBe(5);
    expect(manifest.athletes.consenting).toBeGreaterThanOrEqual(7);
    expect(manifest.athletes.suppressed).toBeGreaterThanOrEqual(1);
    expect(manifest.athletes.exported + manifest.athletes.suppressed).toBe(manifest.athletes.consenting);
    expect(csv.athletes).toHaveLength(manifest.athletes.exported);
    // A suppressed athlete's rows are in no file.
    const kept = new Set(csv.athletes!.map((a) => a.athlete));
    for (const name of ['days', 'activities', 'adherence']) for (const row of csv[name]!) expect(kept.has(row.athlete!), name).toBe(true);
    expect(manifest.rows.athletes).toBe(csv.athletes!.length);
    expect(manifest.rows.days).toBe(csv.days!.length);
  });

  it('gives different pseudonyms in two exports: they cannot be joined', async () => {
    const first = await runExport();
    const second = await runExport();
    const a = new Set(first.csv.athletes!.map((r) => r.athlete));
    const b = second.csv.athletes!.map((r) => r.athlete);
    expect(a.size).toBeGreaterThan(0);
    expect(b.filter((p) => a.has(p!))).toEqual([]);
  });

  it('writes bands, day offsets with weekdays, activities and adherence, a manifest and a data dictionary', async () => {
    const { csv, files, manifest } = await runExport();
    const someone = csv.athletes![0]!;
    expect(someone.sex).toMatch(/^(female|male|unspecified)$/);
    expect(someone.age_band).toMatch(/^(\d+-\d+|90\+|\*|unknown)$/);
    // Experience comes from the latest onboarding (every seeded athlete has a plan).
    expect(someone.experience).toMatch(/^(beginner|intermediate|advanced|\*)$/);
    const days = csv.days!.filter((d) => d.athlete === someone.athlete);
    expect(days.length).toBeGreaterThan(0);
    for (const d of days) {
      expect(Number(d.day)).toBeGreaterThanOrEqual(0);
      expect(Number(d.weekday)).toBeGreaterThanOrEqual(1);
      expect(Number(d.weekday)).toBeLessThanOrEqual(7);
    }
    expect(csv.activities!.some((a) => a.athlete === someone.athlete && a.avg_hr === '150' && a.distance_meters === '10000')).toBe(true);
    expect(csv.adherence!.some((w) => w.athlete === someone.athlete && Number(w.scheduled) >= 1)).toBe(true);
    expect(manifest).toMatchObject({ schemaVersion: 1, exportedMonth: '2027-06', generalisationLevel: expect.any(Number) });
    expect(files['README.md']).toContain('| acwr |');
    expect(files['README.md']).toContain('k = 5');
  });
  it('contains only consenting athletes: withdrawing consent or erasing the account takes one out of later exports', async () => {
    const before = await runExport();
    const count = before.csv.athletes!.length;
    expect(before.manifest.athletes.consenting).toBe(athletes.length + 1 + 0);
    await database.db.updateTable('users').set({ research_consent: false }).where('id', '=', athletes[0]!.userId).execute();
    const withdrawn = await runExport();
    expect(withdrawn.manifest.athletes.consenting).toBe(athletes.length);
    await eraseAccount(database.db, athletes[1]!.userId);
    const erased = await runExport();
    expect(erased.manifest.athletes.consenting).toBe(athletes.length - 1);
    expect(erased.csv.athletes!.length).toBeLessThan(count);
  });
});
