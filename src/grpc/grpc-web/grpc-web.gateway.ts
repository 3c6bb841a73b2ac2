import { DescMessage, DescMethod, Message } from '@bufbuild/protobuf';
import { Code, ConnectError, createConnectRouter, createContextKey, createContextValues } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import { Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GrpcExceptionFilter } from '../../common/errors/grpc-exception.filter';
import { GrpcStatusError } from '../../common/errors/grpc-status';
import { GrpcCode, OutageReporter } from '../../common/errors/zitadel-error';
import type { CallScope } from '../../common/instrumentation/rpc-instrumentation';
import { httpCallScopeOf } from '../../common/logging/request-log';
import { ZitadelApi } from '../zitadel-descriptors';
import { ZitadelGrpcServer, unimplementedRpc } from '../zitadel-grpc.server';
import { GrpcWebCors } from './grpc-web-cors';
import { decodeTextRequest, encodeTextResponse, isGrpcWebText } from './grpc-web-text';

const GRPC_WEB_CONTENT_TYPE = /^application\/grpc-web/i;
/** Request headers that become gRPC metadata, as ZITADEL's gateway forwards them. */
const FORWARDED_HEADER = /^(authorization|accept-language|x-request-id|x-zitadel-[a-z0-9-]+)$/;
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The call scope of the HTTP request that carries a call, handed to the RPC's implementation. */
const CALL_SCOPE = createContextKey<CallScope | undefined>(undefined);

type NextFunction = (error?: unknown) => void;

/**
 * gRPC-web (application/grpc-web+proto and application/grpc-web-text) on the
 * HTTP port for every method of the served services. Connect decodes and
 * encodes the protocol; each call runs the same Nest handler as native gRPC
 * (guard, filter, principal and all), so both transports answer alike.
 * Mounted ahead of Nest's routes and body parsing: it claims every request
 * with a gRPC-web content type (unknown paths answer UNIMPLEMENTED, as a
 * gRPC server would) and CORS preflights of the RPC paths.
 */
export class GrpcWebGateway {
  private readonly logger = new Logger('GrpcWebGateway');
  private readonly handlers = new Map<string, UniversalHandler>();
  private readonly errors: GrpcExceptionFilter;
  private readonly errorDetail: DescMessage;

  constructor(
    api: ZitadelApi,
    private readonly server: ZitadelGrpcServer,
    private readonly cors: GrpcWebCors,
    outages?: OutageReporter,
  ) {
    this.errors = new GrpcExceptionFilter(outages);
    const errorDetail = api.registry.getMessage('zitadel.v1.ErrorDetail');
    if (!errorDetail) throw new Error('@zitadel/proto lacks zitadel.v1.ErrorDetail');
    this.errorDetail = errorDetail;

    const router = createConnectRouter({ grpcWeb: true, grpc: false, connect: false, readMaxBytes: MAX_MESSAGE_BYTES });
    for (const service of api.services) {
      for (const method of service.methods) this.route(router, method);
    }
    for (const handler of router.handlers) this.handlers.set(handler.requestPath, handler);
  }

  /** Connect-style middleware (Fastify runs it through middie, ahead of routing). */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: NextFunction): void => {
    const path = (request.url ?? '').split('?', 1)[0];
    const handler = this.handlers.get(path);
    if (request.method === 'OPTIONS' && handler) {
      this.cors.preflight(request, response);
      return;
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!GRPC_WEB_CONTENT_TYPE.test(contentType)) {
      next();
      return;
    }
    this.cors.decorate(request, response);
    this.serve(handler, path, contentType, request, response).catch((error: unknown) => {
      this.logger.error({ err: error, rpc: path }, 'gRPC-web call failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };

  private async serve(
    handler: UniversalHandler | undefined,
    path: string,
    contentType: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (!handler) {
      // Trailers-only answer, as a gRPC-web proxy gives for an unknown method.
      // Never the raw path as a label: it is whatever the client sent.
      const status = unimplementedRpc(path);
      httpCallScopeOf(request)?.settle('unmatched', status.code, 'grpc-web');
      response
        .writeHead(200, { 'content-type': contentType.split(';')[0], 'grpc-status': String(status.code), 'grpc-message': encodeURIComponent(status.details) })
        .end();
      return;
    }
    const text = isGrpcWebText(contentType);
    let universalRequest = universalRequestFromNodeRequest(request, response, undefined, createContextValues().set(CALL_SCOPE, httpCallScopeOf(request)));
    if (text) universalRequest = decodeTextRequest(universalRequest);
    let universalResponse = await handler(universalRequest);
    if (text) universalResponse = encodeTextResponse(universalResponse, contentType);
    await universalResponseToNodeResponse(universalResponse, response);
  }

  private route(router: ReturnType<typeof createConnectRouter>, method: DescMethod): void {
    const path = `/${method.parent.typeName}/${method.name}`;
    // The status is settled on the HTTP request's call scope, which ends (logs, counts) with the answer.
    const implementation = async (request: Message, context: { requestHeader: Headers; values: ReturnType<typeof createContextValues> }): Promise<Message> => {
      const scope = context.values.get(CALL_SCOPE);
      try {
        const response = await this.server.invoke(path, request, metadataFrom(context.requestHeader));
        scope?.settle(method.name, GrpcCode.OK, 'grpc-web');
        return response;
      } catch (error) {
        const connectError = this.toConnectError(error, path);
        scope?.settle(method.name, connectError.code, 'grpc-web');
        throw connectError;
      }
    };
    router.rpc(method, implementation as never);
  }

  /** The same status as native gRPC: code, "<text> (<id>)" and the ErrorDetail. */
  private toConnectError(error: unknown, path: string): ConnectError {
    const status = error instanceof GrpcStatusError ? error : this.errors.toStatus(error, { rpc: path });
    return new ConnectError(status.details, status.code as Code, undefined, [
      { desc: this.errorDetail, value: { id: status.error.id, message: status.error.text } },
    ]);
  }
}

function metadataFrom(headers: Headers): Metadata {
  const metadata = new Metadata();
  headers.forEach((value, key) => {
    if (FORWARDED_HEADER.test(key)) metadata.add(key, value);
  });
  return metadata;
}
