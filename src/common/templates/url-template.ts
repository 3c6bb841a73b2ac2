import { invalidArgument } from '../errors/zitadel-error';

/**
 * The subset of Go's text/template that ZITADEL's verification links use:
 * literal text plus the actions `{{.UserID}}`, `{{.Code}}` and `{{.OrgID}}`,
 * with spaces and Go's trim markers (`{{- .Code -}}`) allowed. Anything else
 * between `{{` and `}}` is refused instead of half-supported, so a template
 * this renderer would render differently from Go never gets stored. The one
 * parser serves both the request-time check and the rendering of the mail.
 */
const URL_TEMPLATE_FIELDS = ['UserID', 'Code', 'OrgID'] as const;
type UrlTemplateField = (typeof URL_TEMPLATE_FIELDS)[number];
export type UrlTemplateValues = Record<UrlTemplateField, string>;

type Part = { text: string } | { field: UrlTemplateField };

/** Go's trim markers are a dash next to the braces followed (or preceded) by white space. */
const FIELD_ACTION = /^(-[ \t\r\n])?[ \t\r\n]*\.([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*?([ \t\r\n]-)?$/;
const isGoSpace = (char: string): boolean => char === ' ' || char === '\t' || char === '\r' || char === '\n';

/** Parses a template; throws ZITADEL's InvalidURLTemplate errors (400, code 3). */
export function parseUrlTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let trimNextText = false;
  const pushText = (text: string): void => {
    const kept = trimNextText ? trimStart(text) : text;
    trimNextText = false;
    if (kept) parts.push({ text: kept });
  };
  let at = 0;
  for (;;) {
    const open = template.indexOf('{{', at);
    if (open < 0) {
      pushText(template.slice(at));
      return parts;
    }
    pushText(template.slice(at, open));
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw invalidArgument('DOMAIN-oGh5e', 'invalid URL template: unclosed action');
    const action = FIELD_ACTION.exec(template.slice(open + 2, close));
    if (!action) throw invalidArgument('DOMAIN-oGh5e', 'invalid URL template: only {{.UserID}}, {{.Code}} and {{.OrgID}} are allowed');
    const field = action[2];
    if (!(URL_TEMPLATE_FIELDS as readonly string[]).includes(field)) {
      throw invalidArgument('DOMAIN-ieYa7', `invalid URL template: unknown field .${field}`);
    }
    if (action[1]) trimPrecedingText(parts);
    parts.push({ field: field as UrlTemplateField });
    trimNextText = action[3] !== undefined;
    at = close + 2;
  }
}

function trimPrecedingText(parts: Part[]): void {
  const last = parts[parts.length - 1];
  if (!last || !('text' in last)) return;
  const kept = trimEnd(last.text);
  if (kept) last.text = kept;
  else parts.pop();
}

// Loops, not regular expressions: a long run of spaces must not cost quadratic backtracking.
function trimStart(text: string): string {
  let from = 0;
  while (from < text.length && isGoSpace(text[from])) from++;
  return text.slice(from);
}

function trimEnd(text: string): string {
  let to = text.length;
  while (to > 0 && isGoSpace(text[to - 1])) to--;
  return text.slice(0, to);
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
