// fast-check arbitraries from a route's zod schema, through its JSON Schema (z.toJSONSchema): values that
// fit the schema's shape with its extremes (bounds, the longest strings, odd dates), and values that do not.
import fc from 'fast-check';
import { z } from 'zod';

type Js = {
  type?: string | string[];
  properties?: Record<string, Js>;
  required?: string[];
  items?: Js;
  maxItems?: number;
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Js[];
  oneOf?: Js[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
};

const EXTREME_DATES = ['0000-01-01', '0001-01-01', '1969-12-31', '1970-01-01', '2024-02-29', '2023-02-29', '9999-12-31', '2024-13-01'];
const EXTREME_STRINGS = ['', ' ', '\u202e', '😀'.repeat(50), "'; drop table users; --", '../../etc/passwd', '%00', 'null'];

function stringOf(js: Js): fc.Arbitrary<string> {
  const max = Math.min(js.maxLength ?? 64, 300);
  const min = Math.min(js.minLength ?? 0, max);
  switch (js.format) {
    case 'date':
      return fc.oneof(
        fc.constantFrom(...EXTREME_DATES),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      );
    case 'date-time':
      return fc.oneof(
        fc.constantFrom(...EXTREME_DATES.map((d) => `${d}T00:00:00Z`), '2024-05-19T09:00:00+14:00', '2024-05-19T09:00:00-12:00', '275760-09-13T00:00:00Z'),
        fc.date({ noInvalidDate: true, min: new Date(-62167219200000), max: new Date(253402300799000) }).map((d) => d.toISOString()),
      );
    case 'uuid':
      return fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000'));
    case 'email':
      return fc.oneof(fc.emailAddress(), fc.constant(`${'a'.repeat(64)}@${'b'.repeat(180)}.com`));
    default:
      return fc.oneof(
        fc.string({ minLength: min, maxLength: max }),
        fc.constantFrom(...EXTREME_STRINGS),
        fc.constant('x'.repeat(max)),
        fc.constant('x'.repeat(min)),
      );
  }
}

function numberOf(js: Js, integer: boolean): fc.Arbitrary<number> {
  const lo = js.minimum ?? (js.exclusiveMinimum !== undefined ? js.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e9);
  const hi = js.maximum ?? (js.exclusiveMaximum !== undefined ? js.exclusiveMaximum - (integer ? 1 : 1e-9) : 1e9);
  const edges = fc.constantFrom(lo, hi, 0, -0, Number.MAX_SAFE_INTEGER, 1e308, -1e308);
  return fc.oneof(
    integer ? fc.integer({ min: Math.ceil(Math.max(lo, -(2 ** 31))), max: Math.floor(Math.min(hi, 2 ** 31)) }) : fc.double({ min: lo, max: hi, noNaN: true }),
    edges,
  );
}

/** Values of the schema's shape, leaning on its extremes. */
export function shaped(js: Js, depth = 0): fc.Arbitrary<unknown> {
  if (js.const !== undefined) return fc.constant(js.const);
  if (js.enum) return fc.constantFrom(...js.enum);
  const alternatives = js.anyOf ?? js.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => shaped(a, depth)));
  const types = Array.isArray(js.type) ? js.type : js.type ? [js.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => shaped({ ...js, type }, depth)));
  switch (types[0]) {
    case 'string':
      return stringOf(js);
    case 'integer':
      return numberOf(js, true);
    case 'number':
      return numberOf(js, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(js.items && depth < 4 ? shaped(js.items, depth + 1) : fc.anything(), {
        minLength: js.minItems ?? 0,
        maxLength: Math.min(js.maxItems ?? 5, 5),
      });
    case 'object': {
      const props = js.properties ?? {};
      const required = new Set(js.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = depth < 4 ? shaped(v, depth + 1) : fc.anything();
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** Values that break the shape: wrong types, a required field missing, an unknown field, anything at all. */
export function broken(js: Js): fc.Arbitrary<unknown> {
  const base = shaped(js);
  return fc.oneof(
    fc.anything({ maxDepth: 3 }),
    base.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, ['unknown' + 'Field']: 1 } : [v])),
    base.chain((v) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return fc.constant(null);
      const keys = Object.keys(v);
      if (keys.length === 0) return fc.constant([]);
      return fc.constantFrom(...keys).chain((k) =>
        fc.oneof(
          fc.constant(Object.fromEntries(Object.entries(v).filter(([key]) => key !== k))),
          fc.anything({ maxDepth: 1 }).map((bad) => ({ ...v, [k]: bad })),
        ),
      );
    }),
  );
}

export function jsonSchemaOf(schema: z.ZodType): Js {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Js;
}
