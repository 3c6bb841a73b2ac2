import { ZitadelError } from '../errors/zitadel-error';
import { parseUrlTemplate, renderUrlTemplate } from './url-template';

const values = { UserID: '69629026806489455', Code: 'K3T9QZ', OrgID: '69629023906488334' };

const errorIdOf = (template: string): string => {
  try {
    parseUrlTemplate(template);
  } catch (error) {
    expect(error).toBeInstanceOf(ZitadelError);
    expect((error as ZitadelError).code).toBe(3);
    return (error as ZitadelError).id;
  }
  throw new Error(`expected ${template} to be refused`);
};

describe('URL template (Go text/template subset)', () => {
  it('renders the three fields, with and without spaces inside the braces', () => {
    expect(renderUrlTemplate('https://app.example.com/verify?u={{.UserID}}&c={{ .Code }}&o={{  .OrgID}}', values)).toBe(
      'https://app.example.com/verify?u=69629026806489455&c=K3T9QZ&o=69629023906488334',
    );
  });

  it('leaves text without actions alone, including a lone closing brace pair', () => {
    expect(renderUrlTemplate('https://example.com/x}}y', values)).toBe('https://example.com/x}}y');
    expect(renderUrlTemplate('', values)).toBe('');
  });

  it('uses a field as often as it appears', () => {
    expect(renderUrlTemplate('{{.Code}}-{{.Code}}', values)).toBe('K3T9QZ-K3T9QZ');
  });

  it('URL-encodes values so that an opaque organization id cannot change the link', () => {
    expect(renderUrlTemplate('https://x.example/?o={{.OrgID}}&c={{.Code}}', { ...values, OrgID: 'a&c=evil#' })).toBe(
      'https://x.example/?o=a%26c%3Devil%23&c=K3T9QZ',
    );
  });

  it.each([
    ['an unclosed action', 'https://x/{{.Code'],
    ['an empty action', 'https://x/{{}}'],
    ['a function call', 'https://x/{{printf "%s" .Code}}'],
    ['a pipeline', 'https://x/{{.Code | html}}'],
    ['a comment', 'https://x/{{/* c */}}'],
    ['a variable', 'https://x/{{$x := 1}}'],
    ['a nested field', 'https://x/{{.Code.Value}}'],
    ['a range', '{{range .}}{{end}}'],
  ])('refuses %s with DOMAIN-oGh5e', (_case, template) => {
    expect(errorIdOf(template)).toBe('DOMAIN-oGh5e');
  });

  it.each([['{{.Foo}}'], ['{{.code}}'], ['{{ .userID }}']])('refuses the unknown field %s with DOMAIN-ieYa7', (template) => {
    expect(errorIdOf(template)).toBe('DOMAIN-ieYa7');
  });

  it('accepts Go trim markers and trims the white space next to them, as Go does', () => {
    expect(renderUrlTemplate('x/{{- .Code -}}/y', values)).toBe('x/K3T9QZ/y');
    expect(renderUrlTemplate('https://x.example/?c= \n {{- .Code -}} \t&u={{.UserID}}', values)).toBe('https://x.example/?c=K3T9QZ&u=69629026806489455');
    expect(renderUrlTemplate('a {{- .Code}} b {{.OrgID -}} c', values)).toBe('aK3T9QZ b 69629023906488334c');
    expect(renderUrlTemplate('   {{- .Code -}}   ', values)).toBe('K3T9QZ');
  });

  it.each([
    ['a dash without the space Go requires', '{{-.Code}}'],
    ['a closing dash without the space Go requires', '{{.Code-}}'],
    ['a dash after a space', '{{ - .Code}}'],
    ['a nested action', '{{ {{.Code}} }}'],
    ['an action inside an action', '{{.Code {{.OrgID}}}}'],
    ['a second opening inside an action', 'https://x/{{{{.Code}}'],
  ])('refuses %s with DOMAIN-oGh5e', (_case, template) => {
    expect(errorIdOf(template)).toBe('DOMAIN-oGh5e');
  });

  it('refuses an unknown field behind trim markers with DOMAIN-ieYa7', () => {
    expect(errorIdOf('{{- .Password -}}')).toBe('DOMAIN-ieYa7');
  });

  it('renders with the grammar it checks: the same refusals, the same parts', () => {
    expect(() => renderUrlTemplate('x/{{.Email}}', values)).toThrow(/unknown field .Email/);
    expect(() => renderUrlTemplate('x/{{if .Code}}y{{end}}', values)).toThrow(/only/);
    expect(parseUrlTemplate('x/{{- .Code -}}')).toEqual([{ text: 'x/' }, { field: 'Code' }]);
  });

  it('parses huge templates: many actions, long runs of white space, a long unclosed action', () => {
    const many = 'https://x.example/?'.concat('c={{- .Code -}}&'.repeat(50_000));
    expect(renderUrlTemplate(many, values)).toBe('https://x.example/?'.concat('c=K3T9QZ&'.repeat(50_000)));
    const spaces = ' '.repeat(200_000);
    expect(renderUrlTemplate(`a${spaces}{{- .Code -}}${spaces}b${spaces}`, values)).toBe(`aK3T9QZb${spaces}`);
    expect(errorIdOf(`{{${spaces}.Code${spaces}`)).toBe('DOMAIN-oGh5e');
    expect(errorIdOf(`{{${spaces}x}}`)).toBe('DOMAIN-oGh5e');
  });
});
