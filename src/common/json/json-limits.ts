import { invalidArgument } from '../errors/zitadel-error';

/**
 * Guards against pathological JSON before anything recursive (class-transformer,
 * ajv, canonical comparison) touches it: a 1 MiB body can nest hundreds of
 * thousands of levels, enough to overflow the stack of recursive code.
 */

/** Nesting depth of a JSON value (a scalar is 0, `{}` and `[]` are 1), measured without recursion. */
export function jsonDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > stopAbove) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}

/** Deepest request message nesting accepted by any RPC (a user's data may nest 64 levels below it). */
export const MAX_REQUEST_DEPTH = 128;

/**
 * Members of one JSON object in a request, user data included. No ZITADEL
 * message has a hundred fields; the bound is for unknown fields, which
 * class-transformer handles in time quadratic in their number (20,000 of them
 * held the event loop for half a second before the request was refused).
 */
export const MAX_OBJECT_MEMBERS = 1000;

/**
 * Refuses a request nested deeper than any valid one can be, or holding text
 * that is not Unicode (a lone UTF-16 surrogate, which JSON's \uD800 escapes
 * allow): stored as UTF-8 it would be silently replaced, or refused by the
 * database as a 500. Returns the request unchanged otherwise.
 */
export function boundedRequest<T>(input: T): T {
  if (jsonDepth(input, MAX_REQUEST_DEPTH) > MAX_REQUEST_DEPTH) {
    throw invalidArgument('GATEWAY-TooDeep', `the request nests deeper than ${MAX_REQUEST_DEPTH} levels`);
  }
  const problem = textProblem(input);
  if (problem === 'surrogate') {
    throw invalidArgument('GATEWAY-Utf8', 'the request holds text that is not valid Unicode (an unpaired surrogate)');
  }
  if (problem === 'reserved-key') {
    throw invalidArgument('GATEWAY-ReservedKey', 'object keys named "constructor" or "__proto__" are not accepted');
  }
  if (problem === 'too-wide') {
    throw invalidArgument('GATEWAY-TooWide', `an object in the request has more than ${MAX_OBJECT_MEMBERS} members`);
  }
  return input;
}

/** With the u flag, surrogate pairs are one code point: only unpaired halves match. */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Keys the request mapping (class-transformer) cannot carry: it drops them
 * silently, and a nested "constructor" key makes it throw. Refused rather than
 * lost, in user data too.
 */
const RESERVED_KEYS = new Set(['constructor', '__proto__']);

function textProblem(value: unknown): 'surrogate' | 'reserved-key' | 'too-wide' | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) return 'surrogate';
    } else if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length > MAX_OBJECT_MEMBERS) return 'too-wide';
      for (const [key, child] of entries) {
        if (LONE_SURROGATE.test(key)) return 'surrogate';
        if (RESERVED_KEYS.has(key)) return 'reserved-key';
        stack.push(child);
      }
    }
  }
  return undefined;
}

/** Whether a value is a JSON object (what a google.protobuf.Struct holds). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * JSON text with object keys sorted: equal for equal content whatever the key
 * order, as ZITADEL's byte-wise compare of Go-marshalled maps is.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
