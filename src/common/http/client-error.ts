import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GrpcCode, ZitadelError, toErrorBody } from '../errors/zitadel-error';
import type { RpcInstrumentation } from '../instrumentation/rpc-instrumentation';

interface ClientErrorAnswer {
  status: number;
  error: ZitadelError;
}

/**
 * What a request Node's HTTP parser refused answers. grpc-gateway never sees
 * such a request (Go's HTTP server answers it alone), so the code is the one
 * gRPC itself uses for a request beyond a size limit: RESOURCE_EXHAUSTED, as
 * grpc-js reports a stream the server reset for its headers; the status stays
 * the precise 431.
 */
export function clientErrorAnswer(code: string | undefined): ClientErrorAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: new ZitadelError(GrpcCode.RESOURCE_EXHAUSTED, 'GATEWAY-HeadersTooLarge', 'the request headers are too large') };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, error: new ZitadelError(GrpcCode.DEADLINE_EXCEEDED, 'GATEWAY-Timeout', 'the request was not received in time') };
    default:
      return { status: 400, error: new ZitadelError(GrpcCode.INVALID_ARGUMENT, 'GATEWAY-BadHttp', 'the request is not valid HTTP/1.1') };
  }
}

/**
 * The HTTP server's 'clientError' handler (Fastify's `clientErrorHandler`):
 * errors met before a request exists are answered on the socket in ZITADEL's
 * error shape, then the connection is closed. The answer is a call of its own
 * to the instrumentation (an "unmatched" REST call, with no method or path:
 * the parser read none it could trust); `instrumentation` is late-bound since
 * the adapter exists before the application.
 */
export function clientErrorHandler(instrumentation: () => RpcInstrumentation | undefined = () => undefined) {
  return (error: Error & { code?: string }, socket: Socket): void => answerClientError(error, socket, instrumentation());
}

function answerClientError(error: Error & { code?: string }, socket: Socket, instrumentation?: RpcInstrumentation): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const call = instrumentation?.start({ transport: 'rest', givenRequestId: undefined, line: { method: '-', url: '-' }, metered: true, rpc: 'unmatched' });
  const { status, error: answer } = clientErrorAnswer(error.code);
  const body = JSON.stringify(toErrorBody(answer));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // The rest of the refused request is not read: once the answer is out, the connection goes.
  socket.once('finish', () => {
    // The line's serializer reads a status from what stands for the answer.
    call?.end({ code: answer.code, response: { statusCode: status, headersSent: true } as ServerResponse });
    socket.destroy();
  });
}
