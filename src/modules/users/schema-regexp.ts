import RE2 from 're2';
import type { RegExpEngine } from 'ajv/dist/types';

/**
 * Regular expressions that user schemas run against user data. Patterns are
 * written by administrators and the data by end users, so they run on RE2,
 * whose time is linear in the input: JavaScript's backtracking engine takes
 * exponential time on patterns like `^(a+)+$`. RE2 has no lookaround and no
 * backreferences; its `\s` is ASCII whitespace only. ZITADEL compiles user
 * schemas with Go's regexp package, which is RE2 too.
 */

/** Longest `pattern` (or patternProperties key) accepted: matching costs up to data length × pattern size. */
export const MAX_PATTERN_LENGTH = 1000;

/** ajv's `code.regExp` engine: every `pattern` and `patternProperties` key is compiled by RE2. */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string, flags: string) => new RE2(pattern, flags), {
  code: 'require("re2")',
});

/** Why a pattern cannot be used, or undefined when RE2 compiles it (with the flags ajv gives, `u`). */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RE2(pattern, 'u');
    return undefined;
  } catch (error) {
    const reason = String((error as Error)?.message ?? error).slice(0, 120);
    return `is not supported (RE2 syntax: no lookahead, lookbehind or backreferences): ${reason}`;
  }
}

// JavaScript's \s under the u flag, spelt out: RE2's \s is ASCII only.
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const OCTET = '(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])';
const LAST_OCTET = '(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4])';
// ajv-formats excludes 10/8, 127/8, 169.254/16, 172.16/12 and 192.168/16 with lookaheads; here the
// first (and for three ranges the second) octet is spelt out without them.
const PUBLIC_FIRST_OCTET = '(?:[1-9]|1[1-9]|[2-9]\\d|1[013-58]\\d|12[0-689]|16[0-8]|17[013-9]|19[013-9]|2[01]\\d|22[0-3])';
const PUBLIC_IPV4 =
  `(?:${PUBLIC_FIRST_OCTET}\\.${OCTET}` +
  `|169\\.(?:1?\\d{1,2}|2[0-4]\\d|25[0-35])` +
  `|172\\.(?:\\d|[04-9]\\d|1[0-5]|3[2-9]|1\\d\\d|2[0-4]\\d|25[0-5])` +
  `|192\\.(?:\\d{1,2}|1[0-57-9]\\d|16[0-79]|2[0-4]\\d|25[0-5])` +
  `)\\.${OCTET}\\.${LAST_OCTET}`;
const LABEL = '(?:[a-z0-9\\u00a1-\\uffff]+-)*[a-z0-9\\u00a1-\\uffff]+';
const HOST_NAME = `${LABEL}(?:\\.${LABEL})*\\.[a-z\\u00a1-\\uffff]{2,}`;

/**
 * ajv-formats' `url` format, same language, on RE2: its own expression takes
 * time quadratic in the input (20,000 characters held the event loop for
 * seconds).
 */
const URL_EXPRESSION = new RE2(
  `^(?:https?|ftp)://(?:[^${SPACE}]+(?::[^${SPACE}]*)?@)?(?:${PUBLIC_IPV4}|${HOST_NAME})(?::\\d{2,5})?(?:/[^${SPACE}]*)?$`,
  'iu',
);

export function isUrl(value: string): boolean {
  return URL_EXPRESSION.test(value);
}
