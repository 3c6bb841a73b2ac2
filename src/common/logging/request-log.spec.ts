import Fastify, { FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Options, pinoHttp } from 'pino-http';
import type { AppConfig } from '../../config/app-config';
import { loggerOptions } from './logger-options';
import { requestIdOf, requestLogHook } from './request-log';

class Lines extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('requestLogHook', () => {
  let fastify: FastifyInstance;
  let origin: string;
  const out = new Lines();
  let release: () => void = () => undefined;

  beforeAll(async () => {
    // The root logger as nestjs-pino makes it: pino-http's, with the app's options.
    const options = loggerOptions({ logLevel: 'info' } as AppConfig).pinoHttp as Options;
    fastify = Fastify({ genReqId: requestIdOf });
    fastify.addHook('onRequest', requestLogHook(pinoHttp(options, out).logger));
    fastify.get('/ok', async () => ({ ok: true }));
    fastify.get('/healthz', async () => ({ ok: true }));
    fastify.get('/broken', async (_request, reply) => reply.code(500).send({ code: 13 }));
    fastify.get('/slow', (_request, reply) => {
      release = () => void reply.send({ late: true });
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  afterAll(() => fastify.close());

  const linesFor = (path: string) => out.lines.filter((line) => line.req?.path === path);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('writes one line per answered request: its id, method, path without the query, status and time', async () => {
    const response = await fetch(`${origin}/ok?token=secret-in-query`, { headers: { 'x-request-id': 'req-1' } });
    expect(response.status).toBe(200);
    await until(() => linesFor('/ok').length > 0);
    expect(linesFor('/ok')).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: 'req-1', method: 'GET', path: '/ok' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
    ]);
    expect(JSON.stringify(out.lines)).not.toContain('secret-in-query');
  });

  it('logs a 5xx answer as an error', async () => {
    expect((await fetch(`${origin}/broken`)).status).toBe(500);
    await until(() => linesFor('/broken').length > 0);
    expect(linesFor('/broken')).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', res: { statusCode: 500 } })]);
    expect(linesFor('/broken')[0].req.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a request whose client went away before the answer', async () => {
    const sent = httpRequest(`${origin}/slow`);
    sent.on('error', () => undefined);
    sent.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    sent.destroy();
    await until(() => linesFor('/slow').length > 0);
    release();
    expect(linesFor('/slow')).toEqual([expect.objectContaining({ level: 40, msg: 'request aborted', req: expect.objectContaining({ method: 'GET', path: '/slow' }) })]);
  });

  it('leaves out probes', async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/ok`)).status).toBe(200);
    await until(() => linesFor('/ok').length > 1);
    expect(linesFor('/healthz')).toEqual([]);
  });
});
