import { Server, createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { eventually } from '../../../test/support/eventually';
import { LogCapture } from '../../../test/support/log-capture';
import type { AppConfig } from '../../config/app-config';
import { RpcInstrumentation, Transport } from '../instrumentation/rpc-instrumentation';
import { createRootLogger } from '../logging/app-logger';
import { clientErrorAnswer, clientErrorHandler } from './client-error';

describe('clientErrorAnswer', () => {
  it('answers oversized headers with 431 and RESOURCE_EXHAUSTED, a timeout with 408, anything else with 400', () => {
    expect(clientErrorAnswer('HPE_HEADER_OVERFLOW')).toMatchObject({ status: 431, error: { code: 8, id: 'GATEWAY-HeadersTooLarge' } });
    expect(clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({ status: 408, error: { code: 4 } });
    expect(clientErrorAnswer('HPE_INVALID_METHOD')).toMatchObject({ status: 400, error: { code: 3 } });
    expect(clientErrorAnswer(undefined)).toMatchObject({ status: 400, error: { code: 3 } });
  });
});

describe('answerClientError through the instrumentation', () => {
  const out = new LogCapture();
  const recorded: Array<[string, Transport, number]> = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const instrumentation = new RpcInstrumentation(createRootLogger({ logLevel: 'info' } as AppConfig, out), {
      recordRpc: (rpc, transport, code) => recorded.push([rpc, transport, code]),
    });
    server = createServer(() => undefined);
    server.on('clientError', clientErrorHandler(() => instrumentation));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
    });

  it('logs and counts a request the HTTP parser refused, as an unmatched REST call, without what the client sent', async () => {
    expect(await send(`GET /x?token=secret-of-client HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    expect(await send('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    await eventually(() => recorded.length === 2);
    expect(recorded).toEqual([
      ['unmatched', 'rest', 8],
      ['unmatched', 'rest', 3],
    ]);
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), method: '-', path: '-' }, res: { statusCode: 431 } }),
      expect.objectContaining({ level: 30, msg: 'request completed', res: { statusCode: 400 } }),
    ]);
    expect(out.text).not.toContain('secret-of-client');
  });
});
