import type { ServerResponse } from 'node:http';
import { LogCapture } from '../../../test/support/log-capture';
import type { AppConfig } from '../../config/app-config';
import { GrpcCode } from '../errors/zitadel-error';
import { createRootLogger } from '../logging/app-logger';
import { OUTAGE_REQUEST_LINE, RpcInstrumentation, RpcMeter, Transport } from './rpc-instrumentation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('RpcInstrumentation', () => {
  let out: LogCapture;
  let recorded: Array<{ rpc: string; transport: Transport; code: number }>;
  let instrumentation: RpcInstrumentation;

  beforeEach(() => {
    out = new LogCapture();
    recorded = [];
    const meter: RpcMeter = { recordRpc: (rpc, transport, code) => recorded.push({ rpc, transport, code }) };
    const restNames = { nameOf: (method: string, routePath: string | undefined) => (method === 'GET' && routePath === '/users/:id' ? 'GetUser' : 'unmatched') };
    instrumentation = new RpcInstrumentation(createRootLogger({ logLevel: 'info' } as AppConfig, out), meter, restNames);
  });

  const answer = (statusCode: number) => ({ statusCode, headersSent: true }) as ServerResponse;

  it("settles the request id once: the client's well-formed one, else a fresh UUID", () => {
    expect(instrumentation.start({ transport: 'grpc', givenRequestId: 'client-7', metered: false }).requestId).toBe('client-7');
    for (const given of [undefined, '', 'has spaces', 'x'.repeat(65), ['a'], 42]) {
      expect(instrumentation.start({ transport: 'grpc', givenRequestId: given, metered: false }).requestId).toMatch(UUID);
    }
  });

  it('gives every transport the same line and metric for a call, only the status part differing', () => {
    instrumentation.start({ transport: 'grpc', givenRequestId: 'g-1', line: { method: 'POST', url: '/zitadel.admin.v1.AdminService/GetSMSProvider' }, metered: true, rpc: 'GetSMSProvider' }).end({ code: GrpcCode.NOT_FOUND });
    instrumentation.start({ transport: 'rest', givenRequestId: 'r-1', line: { method: 'GET', url: '/users/1?token=t' }, metered: true }).end({
      code: GrpcCode.OK,
      response: answer(200),
      route: { method: 'GET', routePath: '/users/:id', path: '/users/1?token=t' },
    });
    const web = instrumentation.start({ transport: 'grpc-web', givenRequestId: 'w-1', line: { method: 'POST', url: '/zitadel.admin.v1.AdminService/GetSMSProvider' }, metered: true });
    web.settle('GetSMSProvider', GrpcCode.PERMISSION_DENIED);
    web.end({ response: answer(200) });

    expect(recorded).toEqual([
      { rpc: 'GetSMSProvider', transport: 'grpc', code: GrpcCode.NOT_FOUND },
      { rpc: 'GetUser', transport: 'rest', code: GrpcCode.OK },
      { rpc: 'GetSMSProvider', transport: 'grpc-web', code: GrpcCode.PERMISSION_DENIED },
    ]);
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: 'g-1', method: 'POST', path: '/zitadel.admin.v1.AdminService/GetSMSProvider' }, grpc: { code: 5 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: 'r-1', method: 'GET', path: '/users/1' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: 'w-1', method: 'POST', path: '/zitadel.admin.v1.AdminService/GetSMSProvider' }, res: { statusCode: 200 } }),
    ]);
  });

  it('decides the level in one place: failure, outage, abort', () => {
    const call = (transport: Transport) => instrumentation.start({ transport, givenRequestId: undefined, line: { method: 'POST', url: '/x' }, metered: true, rpc: 'X' });
    call('grpc').end({ code: GrpcCode.INTERNAL });
    call('rest').end({ code: GrpcCode.INTERNAL, response: answer(500) });
    call('grpc').end({ code: GrpcCode.UNAVAILABLE, outage: true });
    call('rest').end({ code: GrpcCode.UNAVAILABLE, outage: true, response: answer(503) });
    call('rest').end({ aborted: true, response: answer(200) });
    expect(out.lines.map((line) => [line.level, line.msg])).toEqual([
      [50, 'request failed'],
      [50, 'request failed'],
      [30, OUTAGE_REQUEST_LINE],
      [30, OUTAGE_REQUEST_LINE],
      [40, 'request aborted'],
    ]);
    // An aborted call is not counted: it has no answer.
    expect(recorded.map((entry) => entry.code)).toEqual([GrpcCode.INTERNAL, GrpcCode.INTERNAL, GrpcCode.UNAVAILABLE, GrpcCode.UNAVAILABLE]);
  });

  it('counts only metered calls that have an RPC name, logs only calls with a line, and ends a call once', () => {
    const probe = instrumentation.start({ transport: 'rest', givenRequestId: undefined, metered: false });
    probe.end({ response: answer(200), route: { method: 'GET', routePath: '/healthz', path: '/healthz' } });
    // A gRPC-web request the gateway never settled (not one of its calls) is in the log, not in the metrics.
    const unsettled = instrumentation.start({ transport: 'grpc-web', givenRequestId: undefined, line: { method: 'POST', url: '/y' }, metered: true });
    unsettled.end({ response: answer(404) });
    unsettled.end({ response: answer(404) });
    expect(recorded).toEqual([]);
    expect(out.lines).toHaveLength(1);
    // A gRPC-web call whose RPC answered before its client left has a status to count.
    const left = instrumentation.start({ transport: 'grpc-web', givenRequestId: undefined, metered: true });
    left.settle('GetUser', GrpcCode.OK);
    left.end({ aborted: true, response: answer(200) });
    expect(recorded).toEqual([{ rpc: 'GetUser', transport: 'grpc-web', code: GrpcCode.OK }]);
  });
});
