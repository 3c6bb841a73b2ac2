import { StreamableFile } from '@nestjs/common';
import express from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { JsonReplyExpressAdapter } from './json-reply';

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: string;
}

/**
 * One request against a real HTTP server whose handler answers through `reply`,
 * inside an Express app (what Nest's router hands the adapter).
 */
async function answer(reply: (response: ServerResponse) => void, method = 'GET'): Promise<Answer> {
  const app = express();
  app.set('etag', false);
  app.use((_request: IncomingMessage, response: ServerResponse) => reply(response));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method });
    const headers: Record<string, string | null> = {};
    for (const name of ['content-type', 'content-length', 'transfer-encoding']) headers[name] = response.headers.get(name);
    return { status: response.status, headers, body: await response.text() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const adapter = new JsonReplyExpressAdapter();
const body = { details: { id: '1', changed: '2026-12-02T10:00:00Z' }, data: { name: 'Zoë 🌍', list: [1, 'two', null] } };

describe('JsonReplyExpressAdapter', () => {
  it('writes a JSON answer byte for byte as Express res.json() does', async () => {
    const viaExpress = await answer((response) => (response as unknown as express.Response).status(201).json(body));
    const viaAdapter = await answer((response) => adapter.reply(response, body, 201));
    expect(viaAdapter).toEqual(viaExpress);
    expect(viaAdapter.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(viaAdapter.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(JSON.parse(viaAdapter.body)).toEqual(body);
  });

  it('answers HEAD with the headers only', async () => {
    const viaExpress = await answer((response) => (response as unknown as express.Response).json(body), 'HEAD');
    const viaAdapter = await answer((response) => adapter.reply(response, body), 'HEAD');
    expect(viaAdapter).toEqual(viaExpress);
    expect(viaAdapter.body).toBe('');
  });

  it('leaves what is not a JSON object to Express: no body, a bodiless status, a chosen content type, a stream', async () => {
    expect(await answer((response) => adapter.reply(response, undefined, 200))).toMatchObject({ status: 200, body: '' });
    expect(await answer((response) => adapter.reply(response, body, 204))).toMatchObject({ status: 204, body: '', headers: { 'content-type': null } });
    const text = await answer((response) => {
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      adapter.reply(response, 'plain words', 200);
    });
    expect(text).toMatchObject({ status: 200, body: 'plain words', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const stream = await answer((response) => adapter.reply(response, new StreamableFile(Readable.from([Buffer.from('bytes')]), { type: 'application/octet-stream' })));
    expect(stream).toMatchObject({ status: 200, body: 'bytes', headers: { 'content-type': 'application/octet-stream' } });
  });
});
