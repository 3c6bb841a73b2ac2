import { ZitadelError } from '../../common/errors/zitadel-error';
import { PERMISSION_KEYWORD, SchemaCompiler, ZITADEL_META_SCHEMA } from './schema-compiler';

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
      compiler.assertValidSchema(EMPLOYEES);
      compiler.assertValidSchema({ type: 'object', properties: { a: { type: ['string', 'null'] } }, title: 't', $comment: 'c' });
      compiler.assertValidSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
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
      const error = errorOf(() => compiler.assertValidSchema(schema as Record<string, unknown>));
      expect({ code: error.code, id: error.id }).toEqual({ code: 3, id: 'COMMA-W21tg' });
    });

    it('refuses schemas nested too deep or too large', () => {
      let deep: Record<string, unknown> = { type: 'object' };
      for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
      expect(errorOf(() => compiler.assertValidSchema(deep)).id).toBe('COMMA-W21tg');
      const large = { type: 'object', description: 'x'.repeat(300 * 1024) };
      expect(errorOf(() => compiler.assertValidSchema(large)).id).toBe('COMMA-W21tg');
    });

    it('does not let one schema $ref an $id that another schema declared', () => {
      compiler.assertValidSchema({ $id: 'https://example.com/a', type: 'object', $defs: { n: { $id: 'https://example.com/n', type: 'string' } } });
      compiler.assertValidSchema({ $id: 'https://example.com/a', type: 'object' });
      expect(errorOf(() => compiler.assertValidSchema({ type: 'object', properties: { x: { $ref: 'https://example.com/n' } } })).id).toBe('COMMA-W21tg');
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
