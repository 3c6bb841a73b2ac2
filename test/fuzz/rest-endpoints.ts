import fc from 'fast-check';
import { anyJson, fieldValue, hugeJson, nastyString, userData } from './arbitraries';
import { NOT_IMPLEMENTED_TAG } from '../../src/modules/not-implemented/not-implemented-routes';

/** One REST operation of the OpenAPI document. */
export interface RestEndpoint {
  method: string;
  /** With `{id}` where the path takes an id. */
  path: string;
  operationId: string;
  queryParameters: string[];
  /** The JSON schema of the body, resolved; undefined when the operation takes none. */
  body?: Schema;
}

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface OpenApi {
  paths: Record<string, Record<string, { operationId: string; tags?: string[]; parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** The API's own prefixes (health, metrics and the development issuer are not ZITADEL's API). */
export const API_PREFIXES = ['/admin/v1/sms', '/resources/v3alpha/'];

/** Every operation under the API prefixes, from the served OpenAPI document. */
export function restEndpoints(document: OpenApi): RestEndpoint[] {
  const endpoints: RestEndpoint[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!API_PREFIXES.some((prefix) => path.startsWith(prefix))) continue;
    for (const [method, operation] of Object.entries(item)) {
      // RPCs without a handler answer 501 whatever they get (not-implemented-routes.e2e-spec checks that).
      if (operation.tags?.includes(NOT_IMPLEMENTED_TAG)) continue;
      const parameters = operation.parameters ?? [];
      const pathParameters = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      if (pathParameters.some((name) => name !== 'id')) throw new Error(`${operation.operationId}: path parameter other than {id}; teach the fuzzer about it`);
      endpoints.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        queryParameters: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return endpoints.map((endpoint) => ({ ...endpoint, body: endpoint.body && resolve(endpoint.body, document) }));
}

/** Inlines every $ref (the schemas of these DTOs are not recursive; a guard stops if one becomes so). */
function resolve(schema: Schema, document: OpenApi, depth = 0): Schema {
  if (depth > 12) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable ${schema.$ref}`);
    return resolve(target, document, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, document, depth + 1)]));
  if (schema.items) out.items = resolve(schema.items, document, depth + 1);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => resolve(s, document, depth + 1));
  return out;
}

/**
 * Bodies shaped like the schema (so that validation, not only the first
 * type check, is exercised) with wrong-typed, missing, extra, over-long,
 * deep and huge values mixed in.
 */
export function bodyFor(schema: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedBody(schema, name, depth);
  if (depth >= 3) return shaped;
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 2, arbitrary: anyJson }, { weight: 1, arbitrary: name === 'data' ? userData : hugeAt(depth) ? hugeJson : anyJson });
}

/**
 * Huge values (deep, wide, megabytes long) go into the body and its own
 * fields only. Deeper down, in search filter trees, arrays of filters each
 * with a megabyte value made 10 MB bodies that the server refuses for their
 * size alone, and building them made the REST search endpoints take 20 times
 * as long as any other to fuzz.
 */
function hugeAt(depth: number): boolean {
  return depth <= 1;
}

function shapedBody(schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
  const variants = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (variants?.length) return fc.oneof(...variants.map((s) => bodyFor(s, name, depth + 1)));
  if (schema.enum?.length) return fc.oneof(fc.constantFrom(...schema.enum), fieldValue(schema.enum[0], hugeAt(depth)));
  if (name === 'data') return userData;
  switch (schema.type) {
    case 'array':
      return fc.array(schema.items ? bodyFor(schema.items, '', depth + 1) : anyJson, { maxLength: 4 });
    case 'string':
      return fc.oneof(fc.constant(plausible(schema.example ?? 'x')), nastyString);
    case 'integer':
    case 'number':
      return fieldValue(schema.example ?? 1, hugeAt(depth));
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 0, 1));
    default: {
      if (!schema.properties || Object.keys(schema.properties).length === 0) return fieldValue(schema.example ?? {}, hugeAt(depth));
      const fields = Object.fromEntries(Object.entries(schema.properties).map(([key, s]) => [key, bodyFor(s, key, depth + 1)]));
      return fc
        .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(nastyString, anyJson, { maxKeys: 2 }))
        .map(([known, extra]) => ({ ...extra, ...known }));
    }
  }
}

/** Examples as values, except that no URL leaves this machine (the HTTP SMS provider posts to its endpoint). */
function plausible(example: unknown): unknown {
  return typeof example === 'string' && /^https?:/.test(example) ? 'http://127.0.0.1:9/fuzz' : example;
}
