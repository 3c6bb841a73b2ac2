import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidArgument } from '../errors/zitadel-error';

/** grpc-gateway has no smaller limit of its own; 1 MiB keeps a `data` document roomy and a request's parse short. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/**
 * Reads request bodies the way grpc-gateway does: any JSON value (a bare string
 * is the body of VerifyContactEmail), malformed JSON is InvalidArgument. A body
 * of another content type, charset or content coding is refused instead of
 * guessed at. The errors reach the exception filter (Nest installs it as
 * Fastify's error handler), so they have ZITADEL's shape.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_JSON_BODY_BYTES }, (request: FastifyRequest, body: string | Buffer, done) => {
    try {
      done(null, parseJsonBody(request.headers['content-type'], request.headers['content-encoding'], String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function parseJsonBody(contentType: string | undefined, contentEncoding: string | undefined, text: string): unknown {
  if (!JSON_CONTENT_TYPE.test(contentType ?? '')) {
    throw invalidArgument('GATEWAY-ContentType', 'the request body must be application/json');
  }
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.toLowerCase();
  if ((charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') || (contentEncoding !== undefined && contentEncoding.toLowerCase() !== 'identity')) {
    throw invalidArgument('GATEWAY-Encoding', 'request body encoding is not supported');
  }
  // An empty body is no body, as with Content-Length: 0.
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidArgument('GATEWAY-MalformedJSON', 'request body is not valid JSON');
  }
}
