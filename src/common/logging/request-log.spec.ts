import Fastify, { FastifyInstance } from 'fastify';
import { IncomingMessage, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, sleep } from '../../../test/support/eventually';
import { LogCapture } from '../../../test/support/log-capture';
import type { AppConfig } from '../../config/app-config';
import { answerError } from '../errors/rest-exception.filter';
import { createRootLogger } from './app-logger';
import { requestIdOf, requestLogHook } from './request-log';

describe('requestLogHook', () => {
  let fastify: FastifyInstance;
  let origin: string;
  const out = new LogCapture();
  let release: () => void = () => undefined;

  beforeAll(async () => {
    // The root logger as the application makes it, with the app's options.
    const logger = createRootLogger({ logLevel: 'info' } as AppConfig, out);
    fastify = Fastify({ genReqId: requestIdOf });
    fastify.addHook('onRequest', requestLogHook(logger));
    fastify.get('/ok', async () => ({ ok: true }));
    fastify.get('/healthz', async () => ({ ok: true }));
    fastify.get('/broken', async (_request, reply) => reply.code(500).send({ code: 13 }));
    // What the REST exception filter does with an error it does not know (Nest's Logger hands (fields, message) to pino).
    fastify.get('/crash', (request, reply) => answerError(reply, new Error('boom'), { error: (fields: object, message: string) => logger.error(fields, message) }, request));
    fastify.get('/slow', (_request, reply) => {
      release = () => void reply.send({ late: true });
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  afterAll(() => fastify.close());

  const linesFor = (path: string) => out.lines.filter((line) => line.req?.path === path);

  it('writes one line per answered request: its id, method, path without the query, status and time', async () => {
    const response = await fetch(`${origin}/ok?token=secret-in-query`, { headers: { 'x-request-id': 'req-1' } });
    expect(response.status).toBe(200);
    await eventually(() => linesFor('/ok').length > 0);
    expect(linesFor('/ok')).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: { id: 'req-1', method: 'GET', path: '/ok' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
    ]);
    expect(out.text).not.toContain('secret-in-query');
  });

  it('logs a 5xx answer as an error', async () => {
    expect((await fetch(`${origin}/broken`)).status).toBe(500);
    await eventually(() => linesFor('/broken').length > 0);
    expect(linesFor('/broken')).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', res: { statusCode: 500 } })]);
    expect(linesFor('/broken')[0].req.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the request in an unexpected error's line", async () => {
    expect((await fetch(`${origin}/crash?token=secret-of-crash`, { headers: { 'x-request-id': 'req-crash' } })).status).toBe(500);
    await eventually(() => linesFor('/crash').length > 1);
    expect(linesFor('/crash')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 50, msg: 'unexpected error while serving a request', req: { id: 'req-crash', method: 'GET', path: '/crash' }, err: expect.objectContaining({ message: 'boom' }) }),
        expect.objectContaining({ level: 50, msg: 'request failed', req: { id: 'req-crash', method: 'GET', path: '/crash' } }),
      ]),
    );
    expect(out.text).not.toContain('secret-of-crash');
  });

  it('logs a request whose client went away before the answer', async () => {
    const sent = httpRequest(`${origin}/slow`);
    sent.on('error', () => undefined);
    sent.end();
    await sleep(50);
    sent.destroy();
    await eventually(() => linesFor('/slow').length > 0);
    release();
    expect(linesFor('/slow')).toEqual([expect.objectContaining({ level: 40, msg: 'request aborted', req: expect.objectContaining({ method: 'GET', path: '/slow' }) })]);
  });

  it('leaves out probes', async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/ok`)).status).toBe(200);
    await eventually(() => linesFor('/ok').length > 1);
    expect(linesFor('/healthz')).toEqual([]);
  });
});

describe('requestIdOf', () => {
  const requestWith = (headers: Record<string, string | string[] | undefined>) => ({ headers }) as unknown as IncomingMessage;

  it("keeps a well-formed X-Request-Id and writes a fresh UUID over a missing or malformed one, into the request's header too", () => {
    const given = requestWith({ 'x-request-id': 'client-id-1' });
    expect(requestIdOf(given)).toBe('client-id-1');
    expect(given.headers['x-request-id']).toBe('client-id-1');
    const missingOrMalformed: Array<Record<string, string | string[] | undefined>> = [{}, { 'x-request-id': 'has spaces\nand a newline' }, { 'x-request-id': ['a', 'b'] }];
    for (const headers of missingOrMalformed) {
      const request = requestWith(headers);
      const id = requestIdOf(request);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(request.headers['x-request-id']).toBe(id);
    }
  });
});
