import { ZitadelError } from '../../common/errors/zitadel-error';
import { MAX_SUBSCHEMAS, PERMISSION_KEYWORD, SchemaCompiler, ZITADEL_META_SCHEMA } from './schema-compiler';

const errorOf = (action: () => void): ZitadelError => {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ZitadelError);
    return error as ZitadelError;
  }
  throw new Error('expected an error');
};

const EMPLOYEES = {
  $schema: ZITADEL_META_SCHEMA,
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    note: { type: 'string', [PERMISSION_KEYWORD]: { owner: 'rw', self: 'r' } },
    badge: { type: 'string', [PERMISSION_KEYWORD]: { self: 'rw' } },
    email: { type: 'string', format: 'email' },
  },
  required: ['name'],
};

describe('SchemaCompiler', () => {
  const compiler = new SchemaCompiler();
  const revision = (document: Record<string, unknown>, id = 's1', rev = 1) => ({ id, revision: rev, document });

  describe('schemas', () => {
    it('accepts draft 2020-12 schemas, with and without ZITADEL\'s $schema', () => {
      compiler.compile(EMPLOYEES);
      compiler.compile({ type: 'object', properties: { a: { type: ['string', 'null'] } }, title: 't', $comment: 'c' });
      compiler.compile({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
    });

    it.each([
      ['"required": true inside a property (ZITADEL\'s example)', { type: 'object', properties: { name: { type: 'string', required: true } } }],
      ['an unknown type', { type: 'object', properties: { a: { type: 'strin' } } }],
      ['a misspelt keyword', { type: 'object', requried: ['a'] }],
      ['an unknown format', { type: 'object', properties: { a: { type: 'string', format: 'e-mail' } } }],
      ['a remote $ref', { type: 'object', properties: { a: { $ref: 'https://example.com/schema' } } }],
      ['an unknown meta-schema', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }],
      ['an $async schema', { $async: true, type: 'object' }],
      ['a permission that is a string', { type: 'object', properties: { a: { type: 'string', [PERMISSION_KEYWORD]: 'read' } } }],
      ['a permission with other letters', { type: 'object', properties: { a: { [PERMISSION_KEYWORD]: { owner: 'rx' } } } }],
      ['a permission with another key', { type: 'object', properties: { a: { [PERMISSION_KEYWORD]: { owner: 'r', other: 'r' } } } }],
    ])('refuses %s with COMMA-W21tg', (_case, schema) => {
      const error = errorOf(() => compiler.compile(schema as Record<string, unknown>));
      expect({ code: error.code, id: error.id }).toEqual({ code: 3, id: 'COMMA-W21tg' });
    });

    it('refuses schemas nested too deep or too large', () => {
      let deep: Record<string, unknown> = { type: 'object' };
      for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
      expect(errorOf(() => compiler.compile(deep)).id).toBe('COMMA-W21tg');
      const large = { type: 'object', description: 'x'.repeat(300 * 1024) };
      expect(errorOf(() => compiler.compile(large)).id).toBe('COMMA-W21tg');
    });

    it('does not let one schema $ref an $id that another schema declared', () => {
      compiler.compile({ $id: 'https://example.com/a', type: 'object', $defs: { n: { $id: 'https://example.com/n', type: 'string' } } });
      compiler.compile({ $id: 'https://example.com/a', type: 'object' });
      expect(errorOf(() => compiler.compile({ type: 'object', properties: { x: { $ref: 'https://example.com/n' } } })).id).toBe('COMMA-W21tg');
    });
  });

  describe('patterns', () => {
    it.each([
      ['a lookahead', { type: 'object', properties: { pin: { type: 'string', pattern: '^(?=\\d)\\d{4}$' } } }, '/properties/pin/pattern'],
      ['a backreference', { type: 'object', properties: { a: { type: 'string', pattern: '^(a)\\1$' } } }, '/properties/a/pattern'],
      ['a lookbehind in a patternProperties key', { type: 'object', patternProperties: { '(?<=x)y': { type: 'string' } } }, '/patternProperties/(?<=x)y'],
      ['a lookahead under propertyNames in $defs', { $defs: { 'a/b': { propertyNames: { pattern: '(?!x)' } } } }, '/$defs/a~1b/propertyNames/pattern'],
      ['a lookahead inside allOf', { allOf: [{}, { type: 'string', pattern: 'a(?=b)' }] }, '/allOf/1/pattern'],
      ['a pattern longer than 1000 characters', { type: 'string', pattern: 'a'.repeat(1001) }, '/pattern'],
    ])('refuses %s with COMMA-W21tg naming its JSON pointer', (_case, schema, pointer) => {
      const error = errorOf(() => compiler.compile(schema as Record<string, unknown>));
      expect({ code: error.code, id: error.id }).toEqual({ code: 3, id: 'COMMA-W21tg' });
      expect(error.text).toContain(`the pattern at ${pointer} `);
    });

    it('reads only keyword positions: a property named "pattern" and data values are not patterns', () => {
      compiler.compile({ type: 'object', properties: { pattern: { type: 'string' } }, const: { pattern: '(?=x)' }, default: { pattern: '(a)\\1' } });
    });

    it('runs patterns in linear time: a catastrophic pattern answers at once on a long hostile input', () => {
      const schema = { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' }, nick: { type: 'string', pattern: '^(\\w+\\s?)*$' } } };
      const hostile = 'a'.repeat(5000) + '!';
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'redos'), 'self', { name: hostile })).text).toContain('/name: must match pattern');
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'redos'), 'self', { nick: hostile })).text).toContain('/nick: must match pattern');
      compiler.assertValidData(revision(schema, 'redos'), 'self', { name: 'a'.repeat(5000) });
    });

    it('runs patternProperties keys on RE2 too', () => {
      const schema = { type: 'object', patternProperties: { '^(a+)+$': { type: 'integer' } } };
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'keys'), 'self', { ['a'.repeat(5000)]: 'x' })).text).toContain('must be integer');
      compiler.assertValidData(revision(schema, 'keys'), 'self', { ['a'.repeat(5000) + '!']: 'x' });
    });

    it('checks format "url" in linear time', () => {
      const schema = { type: 'object', properties: { site: { type: 'string', format: 'url' } } };
      compiler.assertValidData(revision(schema, 'url'), 'self', { site: 'https://user:pw@example.com:8080/a?b#c' });
      const hostile = 'http://' + '::'.repeat(40_000) + '#';
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'url'), 'self', { site: hostile })).text).toContain('/site: must match format "url"');
    });
  });

  describe('uniqueItems', () => {
    const schema = { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } };

    it('refuses duplicates by JSON value (key order does not matter) and accepts distinct items', () => {
      compiler.assertValidData(revision(schema, 'unique'), 'self', { list: [1, '1', [1], { a: 1, b: 2 }, { a: 2, b: 1 }, null, true] });
      const error = errorOf(() => compiler.assertValidData(revision(schema, 'unique'), 'self', { list: [{ a: 1, b: [2] }, 3, { b: [2], a: 1 }] }));
      expect(error.text).toContain('/list: must NOT have duplicate items (items ## 2 and 0 are identical)');
    });

    it('answers at once for a long array of distinct arrays (pairwise comparison would take minutes)', () => {
      const list = Array.from({ length: 40_000 }, (_, i) => [i]);
      compiler.assertValidData(revision(schema, 'unique'), 'self', { list });
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'unique'), 'self', { list: [...list, [0]] })).text).toContain('duplicate items');
    });
  });

  describe('size', () => {
    const properties = (count: number) => ({
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { type: 'string' }])),
    });

    it(`accepts ${MAX_SUBSCHEMAS} subschemas and refuses one more, naming the limit`, () => {
      compiler.compile(properties(MAX_SUBSCHEMAS - 1));
      const error = errorOf(() => compiler.compile(properties(MAX_SUBSCHEMAS)));
      expect({ code: error.code, id: error.id }).toEqual({ code: 3, id: 'COMMA-W21tg' });
      expect(error.text).toContain(`more than ${MAX_SUBSCHEMAS} subschemas`);
    });

    it('counts subschemas in every keyword position', () => {
      const half = Math.ceil(MAX_SUBSCHEMAS / 2);
      const list = Array.from({ length: half }, () => ({ type: 'string' }));
      expect(errorOf(() => compiler.compile({ anyOf: list, $defs: Object.fromEntries(list.map((s, i) => [`d${i}`, s])) })).text).toContain('subschemas');
    });
  });

  describe('compiling once', () => {
    it('validates a remembered revision without its document', () => {
      const fresh = new SchemaCompiler();
      expect(fresh.isCompiled('kept', 3)).toBe(false);
      fresh.remember('kept', 3, fresh.compile(EMPLOYEES));
      expect(fresh.isCompiled('kept', 3)).toBe(true);
      fresh.assertValidData({ id: 'kept', revision: 3 }, 'self', { name: 'G', badge: 'b' });
      expect(errorOf(() => fresh.assertValidData({ id: 'kept', revision: 3 }, 'self', { name: 'G', note: 'n' })).text).toContain('/note');
    });

    it('applies the writer\'s permission through $ref as well', () => {
      const schema = { type: 'object', $defs: { note: { type: 'string', [PERMISSION_KEYWORD]: { owner: 'rw', self: 'r' } } }, properties: { note: { $ref: '#/$defs/note' } } };
      compiler.assertValidData(revision(schema, 'ref'), 'owner', { note: 'n' });
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'ref'), 'self', { note: 'n' })).text).toContain('/note: missing required permission');
    });
  });

  describe('data', () => {
    it('accepts matching data and names the failing JSON path otherwise', () => {
      compiler.assertValidData(revision(EMPLOYEES), 'owner', { name: 'Gigi', email: 'gigi@example.com' });
      const missing = errorOf(() => compiler.assertValidData(revision(EMPLOYEES), 'owner', {}));
      expect({ code: missing.code, id: missing.id }).toEqual({ code: 9, id: 'COMMAND-SlKXqLSeL6' });
      expect(missing.text).toContain('/name: is required');
      expect(errorOf(() => compiler.assertValidData(revision(EMPLOYEES), 'owner', { name: 42 })).text).toContain('/name: must be string');
      expect(errorOf(() => compiler.assertValidData(revision(EMPLOYEES), 'owner', { name: 'G', email: 'nope' })).text).toContain('/email');
    });

    it('names nested paths', () => {
      const schema = { type: 'object', properties: { kids: { type: 'array', items: { type: 'object', properties: { age: { type: 'integer' } } } } } };
      expect(errorOf(() => compiler.assertValidData(revision(schema, 'nested'), 'owner', { kids: [{ age: 1 }, { age: 'x' }] })).text).toContain('/kids/1/age');
    });

    it('lets each role write only the properties its permission allows', () => {
      compiler.assertValidData(revision(EMPLOYEES), 'owner', { name: 'G', note: 'n' });
      compiler.assertValidData(revision(EMPLOYEES), 'self', { name: 'G', badge: 'b' });
      compiler.assertValidData(revision(EMPLOYEES), 'self', { name: 'G' });
      const self = errorOf(() => compiler.assertValidData(revision(EMPLOYEES), 'self', { name: 'G', note: 'n' }));
      expect(self.text).toContain('/note: missing required permission');
      expect(errorOf(() => compiler.assertValidData(revision(EMPLOYEES), 'owner', { name: 'G', badge: 'b' })).text).toContain('/badge');
    });

    it('validates against the revision it is given, not a cached older one', () => {
      compiler.assertValidData(revision({ type: 'object' }, 'rev', 1), 'owner', { a: 1 });
      const strict = { type: 'object', additionalProperties: false };
      expect(errorOf(() => compiler.assertValidData(revision(strict, 'rev', 2), 'owner', { a: 1 })).text).toContain('/a');
    });
  });
});
