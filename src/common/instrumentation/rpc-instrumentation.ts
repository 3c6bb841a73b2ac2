import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { GrpcCode, httpStatusOf } from '../errors/zitadel-error';

export type Transport = 'rest' | 'grpc' | 'grpc-web';

/** The message of the line of a call refused because a dependency is down (an info line; see DatabaseAvailability). */
export const OUTAGE_REQUEST_LINE = 'request refused: a dependency is unavailable';

/** Where a client puts its request id: the X-Request-Id header, or the same-named gRPC metadata entry. */
export const REQUEST_ID_METADATA = 'x-request-id';

/** Where the calls' counts and timings go (MetricsService). */
export interface RpcMeter {
  recordRpc(rpc: string, transport: Transport, code: number, seconds: number): void;
}

/** Names a REST call by its route (RestRpcNames): ZITADEL's method name, or "unmatched". */
export interface RestRpcNamer {
  nameOf(method: string, routePath: string | undefined, path: string): string;
}

export interface CallStart {
  transport: Transport;
  /** What the client sent as its request id (header or metadata entry), if anything. */
  givenRequestId: unknown;
  /** The call's request line; none: the call writes no log line (probes, or a call whose HTTP request writes it). */
  line?: { method: string; url: string };
  /** Whether the call counts in the RPC metrics (scrapes, probes and docs do not). */
  metered: boolean;
  /** Known at the start (native gRPC), else named by the transport later or from its route at the end. */
  rpc?: string;
}

export interface CallEnd {
  /** The gRPC status code answered; defaults to the one reported with settle(). */
  code?: number;
  /** Refused because a dependency is down: logged once on its own, so the call's line is an info line. */
  outage?: boolean;
  /** The client went away before the answer was finished: a warning, and not counted unless its status was settled. */
  aborted?: boolean;
  /** The HTTP answer: the line carries it (its serializer reads the status) and a status >= 500 is a failure. */
  response?: ServerResponse;
  /** A REST call not named yet: named from its route. */
  route?: { method: string; routePath: string | undefined; path: string };
}

/**
 * The one instrumentation every transport passes through (HTTP hook, native
 * gRPC handlers, gRPC-web gateway): it settles the request id, and when a
 * call ends it decides its RPC name, its metric labels and its log line.
 * Transports only start a call and end it with its outcome.
 */
export class RpcInstrumentation {
  constructor(
    private readonly logger: Logger,
    private readonly meter?: RpcMeter,
    private readonly restNames?: RestRpcNamer,
  ) {}

  /** The id a client gave its request when it is well-formed, else a fresh UUID. */
  static requestId(given: unknown): string {
    return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
  }

  start(call: CallStart): CallScope {
    return new CallScope(this, call, RpcInstrumentation.requestId(call.givenRequestId));
  }

  /** @internal CallScope's end. */
  finish(scope: CallScope, call: CallStart, outcome: CallEnd, code: number, seconds: number): void {
    const rpc = scope.rpc ?? (outcome.route && this.restNames?.nameOf(outcome.route.method, outcome.route.routePath, outcome.route.path));
    // A call whose client left before any answer has no status to count; one an inner layer settled has.
    const answered = !outcome.aborted || scope.settledCode !== undefined;
    if (call.metered && answered && rpc && this.meter) this.meter.recordRpc(rpc, scope.transport, code, seconds);
    if (call.line) this.writeLine(scope.requestId, call.line, outcome, code, seconds);
  }

  /** One JSON line per call, the same shape on every transport so that one query finds them all. */
  private writeLine(id: string, request: { method: string; url: string }, outcome: CallEnd, code: number, seconds: number): void {
    const line = {
      req: { id, method: request.method, url: request.url },
      // The HTTP response itself: its serializer reads a status only once headers were sent.
      ...(outcome.response ? { res: outcome.response } : { grpc: { code } }),
      responseTime: Math.round(seconds * 1000),
    };
    const failed = outcome.response ? outcome.response.statusCode >= 500 : httpStatusOf(code as GrpcCode) >= 500;
    if (outcome.aborted) this.logger.warn(line, 'request aborted');
    else if (outcome.outage) this.logger.info(line, OUTAGE_REQUEST_LINE);
    else if (failed) this.logger.error(line, 'request failed');
    else this.logger.info(line, 'request completed');
  }
}

/** One call, from its transport's entry to its final status. Ends once; a second end is ignored. */
export class CallScope {
  private readonly started = performance.now();
  private ended = false;
  rpc?: string;
  private code?: number;

  constructor(
    private readonly instrumentation: RpcInstrumentation,
    private readonly call: CallStart,
    readonly requestId: string,
    public transport: Transport = call.transport,
  ) {
    this.rpc = call.rpc;
  }

  /** For a layer inside the entry that learns the RPC and its status first (gRPC-web inside its HTTP request). */
  settle(rpc: string, code: number, transport: Transport = this.transport): void {
    this.rpc = rpc;
    this.code = code;
    this.transport = transport;
  }

  get settledCode(): number | undefined {
    return this.code;
  }

  end(outcome: CallEnd = {}): void {
    if (this.ended) return;
    this.ended = true;
    const code = outcome.code ?? this.code ?? GrpcCode.OK;
    this.instrumentation.finish(this, this.call, outcome, code, (performance.now() - this.started) / 1000);
  }
}
