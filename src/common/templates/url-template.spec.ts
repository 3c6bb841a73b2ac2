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
});
