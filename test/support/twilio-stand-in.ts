import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** One request the stand-in received, as Twilio would have seen it. */
export interface TwilioRequest {
  method: string;
  path: string;
  /** From HTTP Basic auth: the account sid and the auth token. */
  username: string;
  password: string;
  form: Record<string, string>;
  /** The status the stand-in answered; undefined while held open or when the client went away first. */
  status?: number;
  /** The client closed the connection before an answer (e.g. its process was killed). */
  aborted: boolean;
  /** Date.now() when the request arrived (for the benchmark's latency). */
  receivedAt: number;
  /** Date.now() when the stand-in wrote its answer. */
  answeredAt?: number;
  /** The sid of the message or verification it created (what the service should record). */
  sid?: string;
  /** Twilio created the message: answered 201, or accepted before holding its answer (`{ hold: true, accept: true }`). */
  created?: boolean;
  /** Date.now() when Twilio created the message. */
  createdAt?: number;
  /**
   * Date.now() when the TCP connection the request came on closed. A client
   * process that is killed closes all its connections at that moment, so the
   * chaos run can tell which answered requests belonged to a killed worker.
   */
  connectionClosedAt?: number;
}

/**
 * A programmed answer for the next request that creates something (POST).
 * `hold`: the answer waits until released or until the client goes away;
 * with `accept`, Twilio has created the message before it holds the answer
 * (it is in the Messages list, as when a 201 is lost on the way back).
 */
export type TwilioReply =
  | { status: number; code?: number; message?: string }
  | { hold: true; accept?: boolean };

interface Held {
  request: TwilioRequest;
  release(): void;
}

/**
 * A local HTTP server that speaks the part of Twilio's REST API this service
 * uses: Messages (2010-04-01: create, and the list filtered by To and From,
 * newest first), Verify v2 Verifications and VerificationCheck.
 * It records Basic-auth credentials and form fields, answers like Twilio, and
 * can fail on demand (HTTP statuses, Twilio error codes, or holding a request
 * open until released or until the client disconnects).
 */
export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  url = '';
  /** The code Twilio Verify "sent" to each number. */
  readonly verifyCodes = new Map<string, string>();
  private server?: Server;
  private readonly replies: TwilioReply[] = [];
  private readonly held: Held[] = [];
  private sequence = 0;
  private fault?: { status: number; code?: number; message?: string };
  /** The requests of each open connection, to stamp connectionClosedAt on them when it closes. */
  private readonly connections = new Map<Socket, TwilioRequest[]>();

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket: Socket) => {
      this.connections.set(socket, []);
      socket.once('close', () => {
        const closedAt = Date.now();
        for (const request of this.connections.get(socket) ?? []) request.connectionClosedAt = closedAt;
        this.connections.delete(socket);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next requests get these answers, in order; afterwards Twilio's normal success. */
  reply(...replies: TwilioReply[]): void {
    this.replies.push(...replies);
  }

  clearReplies(): void {
    this.replies.length = 0;
  }

  /**
   * Fault mode: from now on every request without a programmed reply gets
   * this answer (e.g. 429 or 503 for a stretch of an outage), until
   * `failAll(undefined)`.
   */
  failAll(fault: { status: number; code?: number; message?: string } | undefined): void {
    this.fault = fault;
  }

  /** Answers every held request with 201 now. */
  releaseHeld(): void {
    for (const held of this.held.splice(0)) held.release();
  }

  /** Messages Twilio created (answered 201, or accepted and then held). */
  acceptedMessages(): TwilioRequest[] {
    return this.messageRequests().filter((r) => r.created);
  }

  /** Requests to create a message, whatever their answer. */
  messageRequests(): TwilioRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
  }

  /** Requests for the Messages list (what a worker asks about a message in doubt). */
  messageLookups(): TwilioRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));
  }

  async stop(): Promise<void> {
    for (const held of this.held.splice(0)) held.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const [username = '', password = ''] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(/:(.*)/s);
    const [path, query = ''] = (request.url ?? '').split('?');
    const method = request.method ?? '';
    // A GET's filters are in its query, a POST's fields in its body: both end up in `form`.
    const form = Object.fromEntries(new URLSearchParams(method === 'GET' ? query : Buffer.concat(chunks).toString('utf8')));
    const recorded: TwilioRequest = { method, path, username, password, form, aborted: false, receivedAt: Date.now() };
    this.requests.push(recorded);
    this.connections.get(request.socket)?.push(recorded);

    const answer = (status: number, body: unknown) => {
      if (response.writableEnded || response.destroyed) return;
      recorded.status = status;
      recorded.answeredAt = Date.now();
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };

    const reply = (method === 'POST' ? this.replies.shift() : undefined) ?? this.fault;
    if (reply && 'hold' in reply) {
      response.on('close', () => {
        if (recorded.status === undefined) recorded.aborted = true;
      });
      const created = reply.accept ? this.success(recorded) : undefined;
      this.held.push({ request: recorded, release: () => answer(...(created ?? this.success(recorded))) });
      return;
    }
    if (reply) {
      return answer(reply.status, {
        code: reply.code ?? reply.status * 100,
        message: reply.message ?? `stand-in failure ${reply.status}`,
        more_info: `https://www.twilio.com/docs/errors/${reply.code ?? ''}`,
        status: reply.status,
      });
    }
    answer(...this.success(recorded));
  }

  private success(request: TwilioRequest): [number, unknown] {
    if (request.method === 'GET' && request.path.endsWith('/Messages.json')) return [200, this.messageList(request)];
    const id = String(++this.sequence).padStart(32, '0');
    if (request.path.endsWith('/Messages.json')) {
      request.sid = `SM${id}`;
      request.created = true;
      request.createdAt = Date.now();
      return [201, messageResource(request)];
    }
    if (request.path.endsWith('/Verifications')) {
      this.verifyCodes.set(request.form.To, String(100000 + this.sequence));
      request.sid = `VE${id}`;
      return [201, { sid: `VE${id}`, status: 'pending', to: request.form.To, channel: request.form.Channel }];
    }
    if (request.path.endsWith('/VerificationCheck')) {
      const expected = this.verifyCodes.get(request.form.To);
      if (expected === undefined) return [404, { code: 20404, message: 'The requested resource was not found', status: 404 }];
      const approved = expected === request.form.Code;
      if (approved) this.verifyCodes.delete(request.form.To);
      return [200, { sid: `VE${id}`, status: approved ? 'approved' : 'pending', valid: approved, to: request.form.To }];
    }
    return [404, { code: 20404, message: 'The requested resource was not found', status: 404 }];
  }

  /** One page of the account's messages, newest first, filtered by To and From as Twilio filters them. */
  private messageList(request: TwilioRequest): unknown {
    const account = request.path.split('/')[3];
    const pageSize = Math.min(1000, Number(request.form.PageSize) || 50);
    const messages = this.acceptedMessages()
      .filter((m) => m.path.split('/')[3] === account)
      .filter((m) => (!request.form.To || m.form.To === request.form.To) && (!request.form.From || m.form.From === request.form.From))
      .sort((a, b) => b.createdAt! - a.createdAt!)
      .slice(0, pageSize)
      .map(messageResource);
    const uri = `${request.path}?PageSize=${pageSize}&Page=0`;
    return { messages, page: 0, page_size: pageSize, start: 0, end: Math.max(0, messages.length - 1), uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null };
  }
}

/** A Message resource as Twilio's 2010-04-01 API writes it (the fields the SDK reads that matter here). */
function messageResource(request: TwilioRequest): Record<string, unknown> {
  return {
    sid: request.sid,
    account_sid: request.path.split('/')[3],
    status: 'queued',
    to: request.form.To,
    from: request.form.From,
    body: request.form.Body,
    date_created: twilioDateTime(new Date(request.createdAt!)),
    date_sent: null,
  };
}

/** A date as Twilio's 2010-04-01 API writes it (RFC 2822, UTC): `Thu, 03 Dec 2026 09:41:15 +0000`. */
export function twilioDateTime(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}
