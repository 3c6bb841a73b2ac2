import { invalidArgument } from '../errors/zitadel-error';
import { boundedRequest } from '../json/json-limits';

/**
 * What grpc-gateway's protojson decoding does with field names before the
 * request reaches a handler: the original snake_case names are accepted beside
 * lowerCamelCase. The gRPC transports already hand over camelCase objects, so
 * only the REST door needs this.
 */

/** `org_id` → `orgId`; lowerCamel names pass unchanged. */
export function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Renames snake_case keys to lowerCamelCase throughout a JSON value, except
 * inside `google.protobuf.Struct` fields (named in `structFields`, e.g. `data`,
 * `schema`), whose keys are user data. Giving one field under both spellings
 * is refused, as protojson refuses a duplicate field.
 */
export function camelCaseFields(value: unknown, structFields: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => camelCaseFields(item, structFields));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const name = lowerCamel(key);
    if (Object.prototype.hasOwnProperty.call(result, name)) {
      throw invalidArgument('GATEWAY-DuplicateField', `field ${name} is given twice`);
    }
    result[name] = structFields.has(name) ? item : camelCaseFields(item, structFields);
  }
  return result;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns a query string (`?organization.orgId=1&query.limit=10`) into the
 * request fields it sets, as grpc-gateway does: dotted paths name nested
 * fields, snake_case or lowerCamel. Values stay strings (or arrays of strings
 * when repeated); the request classes convert numbers, booleans and enums.
 */
export function queryFields(query: Record<string, unknown> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    const raw = key.split('.');
    const path = raw.map(lowerCamel);
    if ([...raw, ...path].some((segment) => segment === '' || FORBIDDEN_SEGMENTS.has(segment))) {
      throw invalidArgument('GATEWAY-QueryParameter', `invalid query parameter ${key}`);
    }
    let target = result;
    for (const segment of path.slice(0, -1)) {
      const next = target[segment];
      if (next === undefined) target = target[segment] = {} as Record<string, unknown>;
      else if (next !== null && typeof next === 'object' && !Array.isArray(next)) target = next as Record<string, unknown>;
      else throw invalidArgument('GATEWAY-QueryParameter', `query parameter ${key} conflicts with another one`);
    }
    const last = path[path.length - 1];
    if (target[last] !== undefined) throw invalidArgument('GATEWAY-QueryParameter', `query parameter ${key} conflicts with another one`);
    target[last] = value;
  }
  return result;
}

/** Struct fields of the v3alpha request messages: their keys are user data, never renamed. */
export const STRUCT_FIELDS: ReadonlySet<string> = new Set(['data', 'schema']);

/**
 * The request message of a REST call whose `google.api.http` body names one
 * field (or none): query-string fields first, then the path parameters and the
 * body field on top. `undefined` entries (no body) are left out.
 */
export function restRequest(query: Record<string, unknown> | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  const request = queryFields(query);
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) request[name] = value;
  return request;
}

/** A JSON body as protojson reads it for a message or repeated field: `null` = not set, snake_case renamed. */
export function bodyField(body: unknown): unknown {
  return body === undefined || body === null ? undefined : camelCaseFields(boundedRequest(body), STRUCT_FIELDS);
}
