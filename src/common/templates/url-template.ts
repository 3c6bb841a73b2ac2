import { invalidArgument } from '../errors/zitadel-error';

/**
 * The subset of Go's text/template that ZITADEL's verification links use:
 * literal text plus the actions `{{.UserID}}`, `{{.Code}}` and `{{.OrgID}}`
 * (spaces inside the braces allowed, as in `{{ .Code }}`). Anything else
 * between `{{` and `}}` is refused instead of half-supported: a Go template
 * that ZITADEL would accept but this renderer would render differently must
 * not slip through.
 */
export const URL_TEMPLATE_FIELDS = ['UserID', 'Code', 'OrgID'] as const;
export type UrlTemplateField = (typeof URL_TEMPLATE_FIELDS)[number];
export type UrlTemplateValues = Record<UrlTemplateField, string>;

type Part = { text: string } | { field: UrlTemplateField };

const FIELD_ACTION = /^\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Parses a template; throws ZITADEL's InvalidURLTemplate errors (400, code 3). */
export function parseUrlTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      if (rest) parts.push({ text: rest });
      return parts;
    }
    if (open > 0) parts.push({ text: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw invalidArgument('DOMAIN-oGh5e', 'invalid URL template: unclosed action');
    const action = rest.slice(open + 2, close);
    const field = FIELD_ACTION.exec(action)?.[1];
    if (field === undefined) throw invalidArgument('DOMAIN-oGh5e', 'invalid URL template: only {{.UserID}}, {{.Code}} and {{.OrgID}} are allowed');
    if (!(URL_TEMPLATE_FIELDS as readonly string[]).includes(field)) {
      throw invalidArgument('DOMAIN-ieYa7', `invalid URL template: unknown field .${field}`);
    }
    parts.push({ field: field as UrlTemplateField });
    rest = rest.slice(close + 2);
  }
}

/**
 * Renders a template. Values are URL-encoded (Go's text/template inserts them
 * raw): codes and ZITADEL's numeric ids are unchanged by it, while an opaque
 * organization id with `&` or `#` cannot break the link's structure.
 */
export function renderUrlTemplate(template: string, values: UrlTemplateValues): string {
  return parseUrlTemplate(template)
    .map((part) => ('text' in part ? part.text : encodeURIComponent(values[part.field])))
    .join('');
}
