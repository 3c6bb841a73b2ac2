/**
 * Builds a request message from a REST call as grpc-gateway does: the JSON
 * body (`*` body rule) with the path parameters on top. A body that is not an
 * object is passed through unchanged so that validation refuses it.
 */
export function requestFrom(body: unknown, path: Record<string, string> = {}): unknown {
  if (body === undefined || body === null || body === '') return { ...path };
  if (typeof body === 'object' && !Array.isArray(body)) return { ...(body as object), ...path };
  return body;
}
