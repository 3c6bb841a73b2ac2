import { ZitadelError } from '../errors/zitadel-error';
import { camelCaseFields, queryFields } from './proto-json';

describe('protojson field names', () => {
  it('accepts snake_case beside lowerCamelCase but leaves Struct contents alone', () => {
    const body = { schema_id: '1', data: { first_name: 'Gigi' }, contact: { email: { address: 'a@b.ch', return_code: {} } } };
    expect(camelCaseFields(body, new Set(['data']))).toEqual({
      schemaId: '1',
      data: { first_name: 'Gigi' },
      contact: { email: { address: 'a@b.ch', returnCode: {} } },
    });
  });

  it('renames inside arrays (search filters)', () => {
    expect(camelCaseFields([{ email_filter: { address: 'x', method: 4 } }])).toEqual([{ emailFilter: { address: 'x', method: 4 } }]);
  });

  it('refuses one field under both spellings', () => {
    expect(() => camelCaseFields({ schemaId: '1', schema_id: '2' })).toThrow(ZitadelError);
  });
});

describe('query string fields', () => {
  it('nests dotted paths and renames snake_case segments', () => {
    expect(queryFields({ 'organization.org_id': '7', 'query.limit': '10', 'query.desc': 'true', sorting_column: 'FIELD_NAME_ID' })).toEqual({
      organization: { orgId: '7' },
      query: { limit: '10', desc: 'true' },
      sortingColumn: 'FIELD_NAME_ID',
    });
  });

  it('refuses conflicting and prototype-polluting parameters', () => {
    expect(() => queryFields({ query: '1', 'query.limit': '2' })).toThrow(ZitadelError);
    expect(() => queryFields({ 'query.limit': '2', query: 'x' })).toThrow(ZitadelError);
    expect(() => queryFields({ 'query.limit': '2', 'query.LIMIT': '3', 'organization..orgId': '1' })).toThrow(ZitadelError);
    expect(() => queryFields({ '__proto__.polluted': '1' })).toThrow(ZitadelError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
