import { renderUrlTemplate } from './render-url-template';

const values = { UserID: '69629026806489455', Code: 'K3T9QZ', OrgID: 'org-1' };

describe('renderUrlTemplate', () => {
  it('fills the three documented fields', () => {
    expect(renderUrlTemplate('https://app.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}', values)).toBe(
      'https://app.example.com/verify?user=69629026806489455&code=K3T9QZ&org=org-1',
    );
  });

  it('accepts spaces and trim markers inside the braces, and repeated fields', () => {
    expect(renderUrlTemplate('x/{{ .Code }}/{{- .Code -}}', values)).toBe('x/K3T9QZ/K3T9QZ');
  });

  it('leaves a template without actions as it is', () => {
    expect(renderUrlTemplate('https://example.com/verify', values)).toBe('https://example.com/verify');
  });

  it('refuses unknown fields and other template actions', () => {
    expect(() => renderUrlTemplate('x/{{.Email}}', values)).toThrow(/unknown field .Email/);
    expect(() => renderUrlTemplate('x/{{if .Code}}y{{end}}', values)).toThrow(/only/);
    expect(() => renderUrlTemplate('x/{{.Code', values)).toThrow(/only/);
  });
});
