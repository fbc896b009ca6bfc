// Prints the migrated schema as one canonical line per column, `table.column: pgtype [nullable] [default ...]`,
// and checks the hand-written types in shared/db/schema.ts against it (read type, nullability, optional on
// insert, write type), by compiling generated type assertions with the TypeScript compiler.
//   npm run db:types                                a fresh embedded database, migrated to latest
//   npm run db:types -- --check                     ... and report where schema.ts disagrees (exit 1)
//   DATABASE_URL=postgres://... npm run db:types    an existing database, as it is (not migrated)
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { createDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';

/** kysely's migration bookkeeping, not part of the product schema. */
export const bookkeepingTables = ['schema_migrations', 'schema_migrations_lock'];

export interface ColumnInfo {
  table: string;
  column: string;
  /** udt name, arrays as `elem[]`: uuid, text, text[], int2, int4, float8, date, timestamptz, jsonb, ... */
  type: string;
  nullable: boolean;
  default: string | null;
}

export async function introspectColumns(db: Kysely<any>): Promise<ColumnInfo[]> {
  const { rows } = await sql<{
    table_name: string;
    column_name: string;
    udt_name: string;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
  }>`
    select c.table_name, c.column_name, c.udt_name, c.is_nullable, c.column_default
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema()
    order by c.table_name, c.ordinal_position`.execute(db);
  return rows
    .filter((r) => !bookkeepingTables.includes(r.table_name))
    .map((r) => ({
      table: r.table_name,
      column: r.column_name,
      type: r.udt_name.startsWith('_') ? `${r.udt_name.slice(1)}[]` : r.udt_name,
      nullable: r.is_nullable === 'YES',
      default: r.column_default,
    }));
}

export function summarize(columns: readonly ColumnInfo[]): string {
  return columns.map((c) => `${c.table}.${c.column}: ${c.type}${c.nullable ? ' nullable' : ''}${c.default ? ` default ${c.default}` : ''}`).join('\n');
}

/** How each PostgreSQL type reads in TypeScript (see the header of shared/db/schema.ts); jsonb is any shape. */
const readTypes: Record<string, string | null> = {
  uuid: 'string',
  text: 'string',
  date: 'string',
  timestamptz: 'Date',
  float8: 'number',
  int2: 'number',
  int4: 'number',
  int8: 'number',
  bool: 'boolean',
  'text[]': 'string[]',
  // Sample channels: an element is null where that second has no reading.
  'int2[]': '(number | null)[]',
  'float8[]': '(number | null)[]',
  jsonb: null,
};

/** What a column must accept on insert/update beyond its read type. */
const writeTypes: Record<string, string> = { timestamptz: 'Date | string', jsonb: 'string' };

interface Assertion {
  source: string;
  message: string;
}

function assertionsFor(c: ColumnInfo): Assertion[] {
  const at = `${c.table}.${c.column}`;
  const [t, k] = [`'${c.table}'`, `'${c.column}'`];
  const read = readTypes[c.type];
  const optional = c.nullable || c.default !== null;
  const out: Assertion[] = [
    { source: `Has<${t}, ${k}>`, message: `${at}: missing from the Database interface` },
    {
      source: `[null extends Get<Row<${t}>, ${k}> ? true : false] extends [${c.nullable}] ? true : false`,
      message: c.nullable
        ? `${at}: nullable in the database, so its type must include null`
        : `${at}: not null in the database, so its type must not include null`,
    },
    {
      source: `[Optional<${t}, ${k}>] extends [${optional}] ? true : false`,
      message: `${at}: ${optional ? 'nullable or defaulted, so optional' : 'not null without default, so required'} on insert`,
    },
  ];
  if (read === undefined) out.push({ source: 'false', message: `${at}: no TypeScript mapping for ${c.type}` });
  else if (read !== null) {
    out.push({
      source: `[NonNullable<Get<Row<${t}>, ${k}>>] extends [${read}] ? true : false`,
      message: `${at}: ${c.type} reads as ${read}`,
    });
  }
  const write = writeTypes[c.type] ?? (c.type === 'date' ? null : undefined);
  if (write) {
    out.push({
      source: `[${write}] extends [NonNullable<Get<New<${t}>, ${k}>>] ? true : false`,
      message: `${at}: ${c.type} must accept ${write} on write`,
    });
  } else if (write === null) {
    out.push({
      source: `[NonNullable<Get<New<${t}>, ${k}>>] extends [string] ? true : false`,
      message: `${at}: date is written as a 'YYYY-MM-DD' string, never a Date`,
    });
  }
  // A missing column is reported once, not once per fact.
  return out.map((a, i) => (i === 0 ? a : { ...a, source: `Has<${t}, ${k}> extends true ? (${a.source}) : true` }));
}

/**
 * Compiles one type assertion per fact about each column against shared/db/schema.ts and returns the
 * facts the types get wrong (an empty list when they match).
 */
export async function checkSchemaTypes(columns: readonly ColumnInfo[]): Promise<string[]> {
  const { default: ts } = await import('typescript');
  const assertions = columns.flatMap(assertionsFor);
  const header = [
    `import type { Insertable, Selectable } from 'kysely';`,
    `import type { Database } from '#shared/db/schema';`,
    `type Is<A extends true> = A;`,
    `type Row<T extends string> = T extends keyof Database ? Selectable<Database[T]> : {};`,
    `type New<T extends string> = T extends keyof Database ? Insertable<Database[T]> : {};`,
    `type Has<T extends string, K extends string> = K extends keyof Row<T> ? true : false;`,
    `type Get<R, K extends string> = K extends keyof R ? R[K] : unknown;`,
    `type Optional<T extends string, K extends string> =`,
    `  K extends keyof New<T> ? ({} extends Pick<New<T>, K> ? true : false) : 'missing';`,
  ];
  // One assertion per line, so a diagnostic's line names the fact that failed.
  const source = [...header, ...assertions.map((a, i) => `type A${i} = Is<${a.source}>;`)].join('\n');
  const file = join(dirname(fileURLToPath(import.meta.url)), '__schema_types_check__.ts');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, sourceFile).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    return assertions[line - header.length]?.message ?? ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const db = createDb(url ? { url, poolMax: 1 } : {});
  try {
    if (!url) await migrateToLatest(db);
    const columns = await introspectColumns(db);
    process.stdout.write(`${summarize(columns)}\n`);
    if (process.argv.includes('--check')) {
      const problems = await checkSchemaTypes(columns);
      process.stdout.write(problems.length ? `\nschema.ts disagrees:\n${problems.join('\n')}\n` : '\nschema.ts agrees.\n');
      if (problems.length) process.exitCode = 1;
    }
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
