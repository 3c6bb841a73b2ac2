/** The values a verification link may use, named as in ZITADEL's Go templates. */
export interface UrlTemplateValues {
  UserID: string;
  Code: string;
  OrgID: string;
}

const ACTION = /\{\{-?\s*\.(\w+)\s*-?\}\}/g;

/**
 * Renders ZITADEL's `url_template` (Go text/template syntax) for the three
 * fields it documents: `{{.UserID}}`, `{{.Code}}`, `{{.OrgID}}`, spaces inside
 * the braces allowed. Like text/template the values go in unescaped. Any
 * other action is refused rather than left in the link, as Go would refuse it
 * too ("can't evaluate field").
 */
export function renderUrlTemplate(template: string, values: UrlTemplateValues): string {
  const rendered = template.replace(ACTION, (action: string, field: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, field)) throw new Error(`url template: unknown field .${field}`);
    return values[field as keyof UrlTemplateValues];
  });
  const leftover = template.replace(ACTION, '');
  if (leftover.includes('{{') || leftover.includes('}}')) throw new Error('url template: only {{.UserID}}, {{.Code}} and {{.OrgID}} are supported');
  return rendered;
}
