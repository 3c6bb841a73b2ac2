import type { UniversalServerRequest, UniversalServerResponse } from '@connectrpc/connect/protocol';

/**
 * application/grpc-web-text is gRPC-web with both bodies base64-encoded (what
 * browsers without binary XHR use). Connect serves only the binary form, so
 * the text form is decoded before and encoded after it.
 */
const TEXT_CONTENT_TYPE = /^application\/grpc-web-text(\+proto)?\s*(;|$)/i;
const BINARY_CONTENT_TYPE = 'application/grpc-web+proto';

export function isGrpcWebText(contentType: string | null | undefined): boolean {
  return TEXT_CONTENT_TYPE.test(contentType ?? '');
}

export function decodeTextRequest(request: UniversalServerRequest): UniversalServerRequest {
  const header = new Headers(request.header);
  header.set('content-type', BINARY_CONTENT_TYPE);
  return { ...request, header, body: decodeBase64(request.body as AsyncIterable<Uint8Array>) };
}

export function encodeTextResponse(response: UniversalServerResponse, contentType: string): UniversalServerResponse {
  const header = new Headers(response.header);
  if (header.has('content-type')) header.set('content-type', contentType.split(';')[0].trim());
  return { ...response, header, body: response.body && encodeBase64(response.body) };
}

/** Base64 may arrive in chunks of any size and as several padded segments. */
async function* decodeBase64(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let pending = '';
  for await (const chunk of chunks) {
    pending += Buffer.from(chunk).toString('latin1').replace(/\s+/g, '');
    const complete = pending.length - (pending.length % 4);
    if (complete > 0) {
      yield decodeSegments(pending.slice(0, complete));
      pending = pending.slice(complete);
    }
  }
  if (pending.length > 0) yield decodeSegments(pending);
}

function decodeSegments(text: string): Uint8Array {
  // Node's decoder stops at the first padding, so every padded segment is decoded on its own.
  return Buffer.concat(text.split(/(?<==)(?=[^=])/).map((segment) => Buffer.from(segment, 'base64')));
}

/** Unary answers are small: the whole body is encoded as one segment. */
async function* encodeBase64(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  yield Buffer.from(Buffer.concat(parts).toString('base64'), 'latin1');
}
