import { Message } from '@bufbuild/protobuf';
import { Metadata, Server, ServerCredentials, ServiceDefinition, UntypedHandleCall, status as Status, sendUnaryData } from '@grpc/grpc-js';
import { GrpcMethodStreamingType, ServerGrpc } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { GrpcStatusError } from '../common/errors/grpc-status';
import { DependencyUnavailableError, invalidArgument, unimplemented } from '../common/errors/zitadel-error';
import { REQUEST_ID_METADATA, RpcInstrumentation } from '../common/instrumentation/rpc-instrumentation';
import { UndecodableRequest, packageDefinitionOf } from './package-definition';
import { ZitadelApi } from './zitadel-descriptors';
import { closeWithin } from '../lifecycle/close-within';

export interface ZitadelGrpcServerOptions {
  host: string;
  port: number;
  /** Adds services beside ZITADEL's (health, reflection) once the server exists. */
  addServices?: (server: Server) => void;
  /** Every call of ZITADEL's services starts and ends a call scope here (request id, metrics, the call log). */
  instrumentation?: RpcInstrumentation;
}

/** 4 MiB, grpc-go's default, which ZITADEL keeps. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Nest's gRPC transport serving ZITADEL's services from their protobuf-es
 * descriptors. Beyond ServerGrpc it knows the port it bound (GRPC_PORT=0 picks
 * a free one), answers every RPC without a handler with UNIMPLEMENTED and a
 * clear message, and lets gRPC-web call the very same Nest handlers.
 */
export class ZitadelGrpcServer extends ServerGrpc {
  private boundPort?: number;
  private listener?: Server;
  private readonly instrumentation?: RpcInstrumentation;

  constructor(api: ZitadelApi, settings: ZitadelGrpcServerOptions) {
    super({
      url: `${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`,
      package: [...new Set(api.services.map((service) => service.file.proto.package))],
      packageDefinition: packageDefinitionOf(api.services),
      onLoadPackageDefinition: (_definition: unknown, server: Server) => settings.addServices?.(server),
    });
    this.instrumentation = settings.instrumentation;
  }

  /** The port the server listens on, once started. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the gRPC server has not been started');
    return this.boundPort;
  }

  override async createClient(): Promise<Server> {
    const server = new Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.listener = server;
    return server;
  }

  /**
   * Graceful stop of the listener: no new calls, the calls in flight finish
   * (grpc-js' tryShutdown). Resolves true once they did, false if
   * `timeoutMs` passed first (then they are cut). Nest's own close, later,
   * cuts whatever is left at once.
   */
  drain(timeoutMs: number): Promise<boolean> {
    const server = this.listener;
    if (!server) return Promise.resolve(true);
    return closeWithin(
      timeoutMs,
      (done) => server.tryShutdown(() => done()),
      () => server.forceShutdown(),
    );
  }

  override async createService(grpcService: { service: ServiceDefinition }, name: string): Promise<Record<string, unknown>> {
    const implementation = (await super.createService(grpcService, name)) as Record<string, unknown>;
    for (const [method, definition] of Object.entries(grpcService.service)) {
      const handler = implementation[method] as UntypedHandleCall | undefined;
      // An RPC without a handler is UNIMPLEMENTED whatever it is sent.
      const served = handler ? refusingUndecodable(handler, definition.responseStream) : unimplementedHandler(definition.path, definition.responseStream);
      const instrumentation = this.instrumentation;
      // Every RPC served here is unary; streaming ones (none implemented) only get their request id.
      implementation[method] =
        instrumentation && !definition.requestStream && !definition.responseStream
          ? instrumentedUnary(served as UnaryHandler, method, definition.path, instrumentation)
          : withRequestId(served);
    }
    return implementation;
  }

  /**
   * Runs the Nest handler of a unary RPC (guards, filters and interceptors
   * included) as native gRPC would, for gRPC-web. Rejects with a
   * GrpcStatusError.
   */
  async invoke(path: string, request: Message, metadata: Metadata): Promise<Message> {
    const [, service, method] = path.split('/');
    const handler = this.getMessageHandler(service, method, GrpcMethodStreamingType.NO_STREAMING, { path }) as
      | ((request: Message, metadata: Metadata, call: undefined) => Promise<unknown>)
      | undefined;
    if (!handler) throw unimplementedRpc(path);
    return lastValueFrom(this.transformToObservable(await handler(request, metadata, undefined))) as Promise<Message>;
  }
}

export function unimplementedRpc(path: string): GrpcStatusError {
  return new GrpcStatusError(unimplemented('GRPC-Unimplemented', `${path.replace(/^\//, '')} is not implemented by this service`));
}

/**
 * Settles a call's request id before anything else runs: the client's
 * well-formed `x-request-id` metadata entry, else a fresh UUID, written into
 * the call's metadata so that every log line about the call (its own line,
 * an unexpected error's) names the same id.
 */
function settleRequestId(metadata: Metadata | undefined, id: string = RpcInstrumentation.requestId(metadata?.get(REQUEST_ID_METADATA)[0])): void {
  metadata?.set(REQUEST_ID_METADATA, id);
}

function withRequestId(handler: UntypedHandleCall): UntypedHandleCall {
  return ((call: { metadata?: Metadata }, ...rest: unknown[]) => {
    settleRequestId(call.metadata);
    return (handler as (...args: unknown[]) => unknown)(call, ...rest);
  }) as UntypedHandleCall;
}

/** Answers a request that did not decode (package-definition.ts) with INVALID_ARGUMENT before any handler sees it. */
function refusingUndecodable(handler: UntypedHandleCall, responseStream: boolean): UntypedHandleCall {
  return ((call: { request?: unknown; emit(event: 'error', error: unknown): void }, callback?: sendUnaryData<unknown>) => {
    if (!(call.request instanceof UndecodableRequest)) return (handler as (...args: unknown[]) => unknown)(call, callback);
    const error = new GrpcStatusError(invalidArgument('GRPC-Unmarshal', 'the request is not a valid protobuf message of this RPC'));
    if (responseStream || !callback) call.emit('error', error);
    else callback(error);
    return undefined;
  }) as UntypedHandleCall;
}

function unimplementedHandler(path: string, responseStream: boolean): UntypedHandleCall {
  if (responseStream) {
    return ((call: { emit(event: 'error', error: unknown): void }) => call.emit('error', unimplementedRpc(path))) as UntypedHandleCall;
  }
  return ((_call: unknown, callback: sendUnaryData<unknown>) => callback(unimplementedRpc(path))) as UntypedHandleCall;
}

type UnaryHandler = (call: unknown, callback: sendUnaryData<unknown>) => unknown;

/**
 * Native gRPC's entry into the instrumentation: a call scope from the call's
 * arrival to its answer handed to grpc-js (guards, filters and UNIMPLEMENTED
 * included, since all of them end in the callback).
 */
function instrumentedUnary(handler: UnaryHandler, rpc: string, path: string, instrumentation: RpcInstrumentation): UnaryHandler {
  return (call, callback) => {
    const metadata = (call as { metadata?: Metadata }).metadata;
    const scope = instrumentation.start({
      transport: 'grpc',
      givenRequestId: metadata?.get(REQUEST_ID_METADATA)[0],
      line: { method: 'POST', url: path },
      metered: true,
      rpc,
    });
    settleRequestId(metadata, scope.requestId);
    return handler(call, (error, ...rest) => {
      const outage = error instanceof GrpcStatusError && error.error instanceof DependencyUnavailableError;
      scope.end({ code: error ? statusCodeOf(error) : Status.OK, outage });
      (callback as (...args: unknown[]) => void)(error, ...rest);
    });
  };
}

/** The code grpc-js will send for an error handed to the callback (UNKNOWN when it carries none). */
function statusCodeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 16 ? code : Status.UNKNOWN;
}
