// Validation messages a person can read ("rpe must be a whole number from 1 to 10"), phrased from the JSON
// Schema that the OpenAPI document states for the same field: the message and the document say one thing.
// A message the contract wrote itself (`.refine(..., 'must not be before from')`) is kept; zod's own
// ("Invalid input: expected int, received number") never reaches a client.
import * as z from 'zod';
import type { FieldError } from './errors';

type Json = { [key: string]: unknown };

const documented = new WeakMap<z.ZodType, Json>();

function jsonSchemaOf(schema: z.ZodType): Json {
  let json = documented.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    documented.set(schema, json);
  }
  return json;
}

function resolve(root: Json, node: Json | undefined): Json | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string') return node;
  if (ref === '#') return root;
  const name = ref.replace(/^#\/\$defs\//, '');
  return (root.$defs as Record<string, Json> | undefined)?.[name];
}

/** `T | null` is `anyOf: [T, {type: 'null'}]`: the field's own shape, and whether null is allowed. */
function unwrap(root: Json, node: Json | undefined): { node: Json | undefined; nullable: boolean } {
  const resolved = resolve(root, node);
  const options = (resolved?.anyOf ?? resolved?.oneOf) as Json[] | undefined;
  if (!options) return { node: resolved, nullable: false };
  const rest = options.filter((o) => o.type !== 'null');
  return { node: rest.length === 1 ? resolve(root, rest[0]) : resolved, nullable: rest.length < options.length };
}

function schemaAt(root: Json, path: readonly PropertyKey[]): { node: Json | undefined; nullable: boolean } {
  let current = unwrap(root, root);
  for (const key of path) {
    const node = current.node;
    if (!node) break;
    const next =
      typeof key === 'number'
        ? (node.items as Json | undefined)
        : ((node.properties as Record<string, Json> | undefined)?.[String(key)] ??
          (typeof node.additionalProperties === 'object' ? (node.additionalProperties as Json) : undefined));
    current = unwrap(root, next);
  }
  return current;
}

const inWords = (values: readonly unknown[]) => {
  const words = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
};

function range(node: Json, noun: string): string {
  const min = node.minimum as number | undefined;
  const max = node.maximum as number | undefined;
  const above = node.exclusiveMinimum as number | undefined;
  const below = node.exclusiveMaximum as number | undefined;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  const bounds = [
    min !== undefined ? `at least ${min}` : above !== undefined ? `greater than ${above}` : undefined,
    max !== undefined ? `at most ${max}` : below !== undefined ? `less than ${below}` : undefined,
  ].filter(Boolean);
  return bounds.length > 0 ? `${noun} ${bounds.join(' and ')}` : noun;
}

const FORMATS: Record<string, string> = {
  date: 'a date written YYYY-MM-DD',
  'date-time': 'a date and time with its UTC offset, such as 2024-05-01T07:30:00+02:00',
  email: 'an email address',
  uuid: 'a UUID',
};

function text(node: Json): string {
  const format = FORMATS[node.format as string];
  if (format) return format;
  const min = node.minLength as number | undefined;
  const max = node.maxLength as number | undefined;
  if (min !== undefined && max !== undefined) return `text of ${min} to ${max} characters`;
  if (min !== undefined) return min === 1 ? 'text that is not empty' : `text of at least ${min} characters`;
  if (max !== undefined) return `text of at most ${max} characters`;
  return 'text';
}

/** What the field must be, from its schema: "must be a whole number from 1 to 10, or null". */
export function requirement(node: Json | undefined, nullable = false): string | undefined {
  if (!node) return undefined;
  let what: string | undefined;
  if (node.const !== undefined) what = inWords([node.const]);
  else if (Array.isArray(node.enum)) what = node.enum.length === 1 ? inWords(node.enum) : `one of ${inWords(node.enum)}`;
  else if (node.type === 'integer') what = range(node, 'a whole number');
  else if (node.type === 'number') what = range(node, 'a number');
  else if (node.type === 'string') what = text(node);
  else if (node.type === 'boolean') what = 'true or false';
  else if (node.type === 'object') what = 'an object';
  else if (node.type === 'array') what = 'a list';
  if (!what) return undefined;
  return `must be ${what}${nullable ? ', or null' : ''}`;
}

function nameOf(prefix: string, path: readonly PropertyKey[]): string {
  if (path.length === 0) return `the ${prefix}`;
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

const fieldOf = (prefix: string, path: readonly PropertyKey[]) => [prefix, ...path.map(String)].join('.');

/**
 * Parses `value`, and on failure says what is wrong with each field, once: a second complaint about a
 * field already named (the date that is not a date is also "before 1900") only follows from the first.
 */
export function parseFields<T extends z.ZodType>(schema: T, value: unknown, prefix: string): { data: z.output<T> } | { errors: FieldError[] } {
  const parsed = schema.safeParse(value, {
    error: (issue) => {
      const path = issue.path ?? [];
      if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
      if (issue.code === 'unrecognized_keys') return 'is not a field this accepts';
      const { node, nullable } = schemaAt(jsonSchemaOf(schema), path);
      return requirement(node, nullable) ?? 'is not valid';
    },
  });
  if (parsed.success) return { data: parsed.data };
  const errors: FieldError[] = [];
  const named = new Set<string>();
  const add = (path: readonly PropertyKey[], message: string) => {
    const field = fieldOf(prefix, path);
    if (named.has(field)) return;
    named.add(field);
    errors.push({ field, message: `${nameOf(prefix, path)} ${message}` });
  };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...issue.path, key], issue.message);
    else add(issue.path, issue.message);
  }
  return { errors };
}

/** A field error for a rule checked outside zod, in the same words: `sentence('body.notes', 'must not ...')`. */
export function fieldError(field: string, predicate: string): FieldError {
  const [prefix, ...path] = field.split('.');
  return { field, message: `${nameOf(prefix!, path)} ${predicate}` };
}
