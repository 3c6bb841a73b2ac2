import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import twilio from 'twilio';
import { classifyDeliveryError } from '../delivery/delivery-error';
import { TwilioRequestClient, formEncode, rewriteTwilioUri } from './twilio-request-client';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('TwilioRequestClient', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let answer: (response: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    answer = (response) => response.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM123","status":"queued"}');
  });

  it('sends what the SDK asks for, to the base URL, with basic auth and a form body', async () => {
    const client = twilio('AC0123456789abcdef0123456789abcdef', 'the-auth-token', { httpClient: new TwilioRequestClient(baseUrl, 2000), autoRetry: false });
    const message = await client.messages.create({ to: '+41790000001', from: '+15550001', body: 'Your code is 123 456 & more' });

    expect(message.sid).toBe('SM123');
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json');
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:the-auth-token').toString('base64')}`);
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(seen[0].body))).toEqual({ To: '+41790000001', From: '+15550001', Body: 'Your code is 123 456 & more' });
  });

  it("hands Twilio's error answers to the SDK, which raises its RestException", async () => {
    answer = (response) => response.writeHead(429, { 'content-type': 'application/json' }).end('{"code":20429,"message":"Too Many Requests","status":429}');
    const client = twilio('AC0123456789abcdef0123456789abcdef', 'token', { httpClient: new TwilioRequestClient(baseUrl, 2000), autoRetry: false });

    const error = await client.messages.create({ to: '+41790000001', from: '+15550001', body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 429, code: 20429 });
  });

  it('gives up after the timeout with an error that delivery retries', async () => {
    answer = () => undefined; // never answers
    const client = twilio('AC0123456789abcdef0123456789abcdef', 'token', { httpClient: new TwilioRequestClient(baseUrl, 100), autoRetry: false });

    const error = await client.messages.create({ to: '+41790000001', from: '+15550001', body: 'x' }).catch((e: unknown) => e);
    expect(classifyDeliveryError(error)).toMatchObject({ kind: 'transient', reason: expect.stringMatching(/^timed out/) });
  });

  it('rewrites only twilio.com origins, and encodes arrays as repeated keys', () => {
    expect(rewriteTwilioUri('https://verify.twilio.com/v2/Services?x=1', 'http://sink:8080/')).toBe('http://sink:8080/v2/Services?x=1');
    expect(rewriteTwilioUri('https://example.com/v2', 'http://sink:8080')).toBe('https://example.com/v2');
    expect(rewriteTwilioUri('https://api.twilio.com/v2', undefined)).toBe('https://api.twilio.com/v2');
    expect(formEncode({ To: '+41 79', StatusCallbackEvent: ['sent', 'failed'], Skip: undefined, Empty: null })).toBe(
      'To=%2B41+79&StatusCallbackEvent=sent&StatusCallbackEvent=failed&Empty=',
    );
  });
});
