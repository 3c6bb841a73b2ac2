import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { twilioDateTime } from '../../test/support/twilio-stand-in';

export interface ReceivedMessage {
  /** Which listener got it: one per service instance, so each instance's share is counted at the edge. */
  listener: number;
  to: string;
  from: string;
  body: string;
  sid: string;
  receivedAt: number;
}

/**
 * A minimal Twilio Messages API for the queue benchmark: every
 * `POST …/Messages.json` is recorded (To, Body, arrival time) and answered 201
 * like Twilio; `GET …/Messages.json?To=&From=` lists them, newest first (a
 * worker asks it about a message whose answer it never read). It listens on one port per service instance (each instance gets
 * its own TWILIO_BASE_URL), which tells which instance's worker sent a message
 * without any instrumentation inside the service.
 */
export class TwilioSink {
  readonly messages: ReceivedMessage[] = [];
  readonly urls: string[] = [];
  private readonly servers: Server[] = [];
  private sequence = 0;

  async start(listeners: number): Promise<this> {
    for (let index = 0; index < listeners; index++) {
      const server = createServer((request, response) => void this.handle(index, request, response));
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    return this;
  }

  /** Resolves once `count` messages (in total) have arrived, or rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.messages.length} of ${count} messages reached the Twilio stand-in within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.servers.length = 0;
  }

  private async handle(listener: number, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const receivedAt = Date.now();
    const [path, query = ''] = (request.url ?? '').split('?');
    if (request.method === 'GET' && path.endsWith('/Messages.json')) {
      const filter = new URLSearchParams(query);
      const messages = this.messages
        .filter((m) => (!filter.get('To') || m.to === filter.get('To')) && (!filter.get('From') || m.from === filter.get('From')))
        .reverse()
        .slice(0, Number(filter.get('PageSize')) || 50)
        .map((m) => ({ sid: m.sid, status: 'queued', to: m.to, from: m.from, body: m.body, date_created: twilioDateTime(new Date(m.receivedAt)) }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ messages, page: 0, page_size: messages.length, start: 0, end: 0, uri: path, first_page_uri: path, next_page_uri: null, previous_page_uri: null }));
      return;
    }
    if (request.method !== 'POST' || !path.endsWith('/Messages.json')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
      return;
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = form.get('To') ?? '';
    const sid = `SM${String(++this.sequence).padStart(32, '0')}`;
    this.messages.push({ listener, to, from: form.get('From') ?? '', body: form.get('Body') ?? '', sid, receivedAt });
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sid, status: 'queued', to, from: form.get('From') }));
  }
}
