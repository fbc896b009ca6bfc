// Batches pass each column as one array literal (shared/db/array-literal.ts): whatever an athlete or a vendor
// typed reaches the database unchanged, and so do numbers, NULLs, times and JSON.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArrayElement, type ArrayType, arrayOf } from '#shared/db/array-literal';
import { testDb, type TestDb } from '#test/support/db';

let t: TestDb;

beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t?.close();
});

async function roundTrip(type: ArrayType, values: readonly ArrayElement[]): Promise<unknown[]> {
  const { rows } = await sql<{ v: unknown }>`select v::text from unnest(${arrayOf(type, values)}) with ordinality u (v, i) order by i`.execute(t.db);
  return rows.map((r) => r.v);
}

describe('a column passed as an array literal', () => {
  it('keeps any text as typed: quotes, backslashes, commas, braces, blanks, the word NULL, new lines, emoji', async () => {
    const texts = ['phone-7f3a', '', ' ', 'NULL', 'null', 'a,b', '{x}', 'say "hi"', 'C:\\runs\\', '\\"', 'line 1\nline 2\ttab', 'Zürich 🏃', null, "it's"];
    expect(await roundTrip('text', texts)).toEqual(texts);
  });

  it('sends a column of one repeated value as that value and a count, with the same result', async () => {
    expect(await roundTrip('text', ['say "hi"', 'say "hi"', 'say "hi"'])).toEqual(['say "hi"', 'say "hi"', 'say "hi"']);
    expect(await roundTrip('uuid', [null, null])).toEqual([null, null]);
    expect(await roundTrip('float8', [2.5, 2.5, 2.5, 2.5])).toEqual(['2.5', '2.5', '2.5', '2.5']);
    expect(await roundTrip('text', ['only'])).toEqual(['only']);
    expect(await roundTrip('text', [])).toEqual([]);
  });

  it('keeps numbers to the last digit, NULLs, uuids, times, dates, booleans and JSON', async () => {
    expect(await roundTrip('float8', [0.1 + 0.2, -0, 1e-7, 12345.678, null, Number.POSITIVE_INFINITY])).toEqual([
      '0.30000000000000004',
      '0',
      '1e-07',
      '12345.678',
      null,
      'Infinity',
    ]);
    expect(await roundTrip('smallint', [140, null, -3])).toEqual(['140', null, '-3']);
    expect(await roundTrip('uuid', ['0F5B3C2E-8A51-4C1E-9A57-2F4F7F3A9D10', null])).toEqual(['0f5b3c2e-8a51-4c1e-9a57-2f4f7f3a9d10', null]);
    const { rows } = await sql<{ same: boolean }>`
      select (${arrayOf('timestamptz', ['2024-05-01T07:30:00.000+02:00'])})[1] = timestamptz '2024-05-01 05:30:00+00' as same`.execute(t.db);
    expect(rows[0]!.same).toBe(true);
    expect(await roundTrip('date', ['2024-02-29'])).toEqual(['2024-02-29']);
    expect(await roundTrip('boolean', [true, false, null])).toEqual(['true', 'false', null]);
    const json = { field: 'rpe', note: 'say "hi"\n', path: 'C:\\x' };
    expect((await roundTrip('jsonb', [JSON.stringify(json), null])).map((v) => (v === null ? null : JSON.parse(String(v))))).toEqual([json, null]);
  });
});
