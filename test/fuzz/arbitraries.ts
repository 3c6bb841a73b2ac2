import fc from 'fast-check';

/**
 * The malformed input the fuzz suites throw at every endpoint: strings that
 * break length limits and encodings, every JSON type where another is
 * expected, JSON nested far deeper than any request may be, and very wide
 * objects.
 */

/** Strings meant to trip length checks (in UTF-16 units and in runes), encodings and SQL. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Lone surrogates and other code points JSON and UTF-8 handle differently.
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '\uDFFF', '🙂'.repeat(150), 'é'.repeat(201), "'; DROP TABLE users; --", '%00', '../../etc/passwd', '{{.Code}}', '\r\n\t'),
  // Over-long: past every 200-rune limit, sometimes far past.
  fc.tuple(fc.constantFrom('a', 'ß', '🙂', '\u0301', '0'), fc.integer({ min: 150, max: 5000 })).map(([unit, n]) => unit.repeat(n)),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 0.5, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, -1e-308, true, false, null),
);

/** Any JSON value, of moderate size. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, scalar, { maxKeys: 5 }) },
);

/** JSON nested `depth` levels deep, built without recursion. */
export function nested(depth: number, kind: 'object' | 'array', leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

/** JSON text spliced into a body as is: JSON.stringify overflows its stack on deep values, a client need not. */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `<raw JSON, ${this.text.length} chars>`;
  }
}

/** Text of a value that may contain RawJson parts. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, v]) => `${JSON.stringify(key)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function deepText(depth: number, kind: 'object' | 'array'): RawJson {
  return new RawJson(kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`);
}

/** Deep (past the 128-level request limit, sometimes by a lot) and huge (wide, long) JSON. */
export const hugeJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.integer({ min: 60, max: 200_000 }), fc.constantFrom<'object' | 'array'>('object', 'array')).map(([depth, kind]) => deepText(depth, kind)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.integer({ min: 100, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.integer({ min: 10_000, max: 1_200_000 }).map((n) => ({ name: 'x'.repeat(n) })),
);

/** The `data` of a user: plausible, wrong-typed, deep or huge. */
export const userData: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ name: nastyString, age: scalar, tags: fc.array(scalar, { maxLength: 4 }), extra: anyJson }, { requiredKeys: [] }),
  anyJson,
  hugeJson,
);

/** A value for a field of a JSON body: mostly plausible (the example), else anything; huge only where `huge` allows. */
export function fieldValue(example: unknown, huge = true): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(example) },
    { weight: 4, arbitrary: anyJson },
    { weight: 1, arbitrary: huge ? hugeJson : anyJson },
  );
}

/**
 * Strings for the URL, cut at 300 UTF-16 units (still past every 200-rune
 * limit): Node refuses a request line over 16 KiB with a bare 431 before the
 * application sees it (see the report of the fuzz work), which says nothing
 * about the application.
 */
export const urlString: fc.Arbitrary<string> = nastyString.map((s) => s.slice(0, 300));

/** Path ids: a real one, or anything a client could put into the segment. */
export function pathId(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map(segment) },
    { weight: 3, arbitrary: urlString.filter((s) => s.length > 0).map(segment) },
    // Raw segments that are not valid percent-encoding, or that walk the path.
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', '%2e%2e', '%2F', 'a%00b', '_search', '99999999999999999999999') },
  );
}

/** A string as a path segment; a lone surrogate (which encodeURIComponent refuses) as the invalid UTF-8 a raw client would send. */
export function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}
