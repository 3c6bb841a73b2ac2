import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What a filter or handler gets as the response: Fastify's reply, or a raw Node response outside Fastify's routes. */
export type HttpResponse = FastifyReply | ServerResponse;

export function rawResponse(response: HttpResponse): ServerResponse {
  return 'raw' in response ? response.raw : response;
}

/** Writes a JSON text as the whole answer. For a HEAD request only the headers go out. */
export function sendJson(response: HttpResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  if ('raw' in response) {
    response.code(status).headers({ ...headers, 'content-type': JSON_CONTENT_TYPE }).send(json);
    return;
  }
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', JSON_CONTENT_TYPE);
  response.setHeader('Content-Length', Buffer.byteLength(json));
  response.end(json);
}
