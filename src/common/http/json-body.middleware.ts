import { Injectable, NestMiddleware } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { invalidArgument } from '../errors/zitadel-error';

export const MAX_JSON_BODY = '1mb';

/**
 * Reads JSON bodies the way grpc-gateway does: any JSON value (a bare string is
 * the body of VerifyContactEmail), malformed JSON is InvalidArgument. Bodies of
 * another content type are refused instead of guessed at. Errors go through the
 * exception filter, so they have ZITADEL's shape.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse = json({ strict: false, limit: MAX_JSON_BODY, type: () => true });

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (!hasBody(request)) return next();
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
      throw invalidArgument('GATEWAY-ContentType', 'the request body must be application/json');
    }
    await new Promise<void>((resolve, reject) => this.parse(request, response, (err?: unknown) => (err ? reject(err) : resolve())));
    next();
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
