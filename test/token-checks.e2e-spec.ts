import { createClient } from '@connectrpc/connect';
import { ConnectError } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { ZITADELUsers } from '@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb';
import { createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { grpcFailure, usersClient } from './support/grpc-clients';
import { TestApp, expectZitadelError } from './support/test-app';
import { ForgedToken } from './support/test-issuer';

const TEN_YEARS = 10 * 365 * 24 * 3600;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What the server answers to a request sent as raw bytes: status line and JSON body. */
function rawHttp(url: string, request: string): Promise<{ status: number; body: any; head: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body] = [data.slice(0, data.indexOf('\r\n\r\n')), data.slice(data.indexOf('\r\n\r\n') + 4)];
      resolve({ status: Number(head.split(' ')[1]), head, body: body ? JSON.parse(body) : undefined });
    });
  });
}

describe('access token checks beyond the signature', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const forge = (options: ForgedToken) => t.testIssuer.forge(options);
  const list = (token: string) => t.request('POST', '/admin/v1/sms/_search', { token, body: {} });

  it('accepts a hand-made token like the issuer makes them (the helper is sound)', async () => {
    expect((await list(forge({}))).status).toBe(200);
  });

  it('refuses an iat in the future beyond the clock leeway, and takes one within it', async () => {
    expectZitadelError(await list(forge({ claims: { iat: nowSeconds() + TEN_YEARS } })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(forge({ claims: { iat: nowSeconds() + 60 } })), 401, 16, 'APP-BxUSiL');
    expect((await list(forge({ claims: { iat: nowSeconds() + 2 } }))).status).toBe(200);
  });

  it.each([['"yesterday"', 'yesterday'], ['a numeric string', String(nowSeconds())], ['null', null], ['an object', {}]])(
    'refuses an iat that is %s',
    async (_case, iat) => {
      expectZitadelError(await list(forge({ claims: { iat } })), 401, 16, 'APP-BxUSiL');
    },
  );

  it.each([
    ['an extension it does not know', { crit: ['x-custom'], 'x-custom': 1 }],
    ['b64: false (RFC 7797)', { b64: false, crit: ['b64'] }],
    ['an empty list', { crit: [] }],
    ['a registered parameter', { crit: ['exp'] }],
  ])('refuses a crit header naming %s', async (_case, header) => {
    expectZitadelError(await list(forge({ header })), 401, 16, 'APP-BxUSiL');
  });

  it('refuses a token without a subject or with one longer than any user id (200 characters)', async () => {
    expectZitadelError(await list(forge({ claims: { sub: undefined } })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(forge({ claims: { sub: 'x'.repeat(201) } })), 401, 16, 'APP-BxUSiL');
    expect((await list(forge({ claims: { sub: 'x'.repeat(200) } }))).status).toBe(200);
  });

  it('refuses exp and nbf that are not numbers', async () => {
    expectZitadelError(await list(forge({ claims: { exp: 'tomorrow' } })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(forge({ claims: { exp: String(nowSeconds() + 300) } })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(forge({ claims: { nbf: 'now' } })), 401, 16, 'APP-BxUSiL');
  });

  it('refuses alg none and an HS256 token keyed with the issuer\'s public key', async () => {
    expectZitadelError(await list(forge({ header: { alg: 'none' }, signature: 'none' })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(forge({ header: { alg: 'HS256' }, signature: 'publicKeyAsHmacSecret' })), 401, 16, 'APP-BxUSiL');
  });

  it('never fetches keys from a jku or x5u header', async () => {
    const jwks = { keys: [await t.testIssuer.roguePublicJwk('attacker')] };
    let fetched = 0;
    const attacker = createServer((_request, response) => {
      fetched++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/keys`;
    try {
      for (const header of [{ kid: 'attacker', jku: url }, { kid: 'attacker', x5u: url }]) {
        expectZitadelError(await list(forge({ header, signature: 'rogue' })), 401, 16, 'APP-BxUSiL');
      }
      expect(fetched).toBe(0);
    } finally {
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    }
  });

  it('refuses a bearer value that is not a JWT without fetching the issuer keys again', async () => {
    expect((await list(forge({}))).status).toBe(200);
    // Past the least interval between two key fetches, so that any look-up would fetch.
    t.clock.advance(7_000);
    const before = t.testIssuer.jwksRequests;
    expectZitadelError(await list('a'.repeat(2_000)), 401, 16, 'APP-BxUSiL');
    expect(t.testIssuer.jwksRequests).toBe(before);
  });

  it('answers request headers over 16 KiB with 431 in ZITADEL\'s error shape (code 8)', async () => {
    const answer = await rawHttp(
      t.url,
      `POST /admin/v1/sms/_search HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(answer.status).toBe(431);
    expect(answer.head).toMatch(/\r\ncontent-type: application\/json/i);
    expectZitadelError({ status: answer.status, body: answer.body, headers: new Headers(), text: JSON.stringify(answer.body) }, 431, 8, 'GATEWAY-HeadersTooLarge');
    // The server goes on serving.
    expect((await list(forge({}))).status).toBe(200);
  });

  it('answers a request Node cannot parse as HTTP with 400 in ZITADEL\'s error shape (code 3)', async () => {
    const answer = await rawHttp(t.url, 'NOT HTTP AT ALL\r\n\r\n');
    expectZitadelError({ status: answer.status, body: answer.body, headers: new Headers(), text: JSON.stringify(answer.body) }, 400, 3, 'GATEWAY-BadHttp');
  });

  it('counts the requests the HTTP parser refused in /metrics, as unmatched REST calls', async () => {
    const counted = async (code: number) => {
      const { text } = await t.request('GET', '/metrics');
      const match = new RegExp(`^identity_rpc_requests_total\\{rpc="unmatched",transport="rest",code="${code}"\\} (\\d+)$`, 'm').exec(text);
      return match ? Number(match[1]) : 0;
    };
    const before = await counted(8);
    expect((await rawHttp(t.url, `GET /x HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
    expect(await counted(8)).toBe(before + 1);
  });

  it('applies the same checks over native gRPC', async () => {
    for (const token of [forge({ claims: { iat: nowSeconds() + TEN_YEARS } }), forge({ claims: { iat: 'yesterday' } }), forge({ header: { b64: false, crit: ['b64'] } })]) {
      expect(await grpcFailure((o) => usersClient(t, token).searchUsers({}, o))).toMatchObject({ code: 16, detail: { id: 'APP-BxUSiL' } });
    }
  });

  it('applies the same checks over gRPC-web', async () => {
    const users = createClient(ZITADELUsers, createGrpcWebTransport({ baseUrl: t.url }));
    for (const token of [forge({ claims: { iat: nowSeconds() + TEN_YEARS } }), forge({ header: { crit: ['x-custom'], 'x-custom': 1 } })]) {
      const failure = await users.searchUsers({}, { headers: { authorization: `Bearer ${token}` } }).then(
        () => undefined,
        (error: unknown) => ConnectError.from(error),
      );
      expect({ code: failure?.code, id: failure?.findDetails(ErrorDetailSchema)[0]?.id }).toEqual({ code: 16, id: 'APP-BxUSiL' });
    }
  });

  it('answers huge authorization metadata over native gRPC with a status and keeps serving', async () => {
    // Up to what HTTP/2 carries, the token reaches the check and is refused as not a JWT.
    expect(await grpcFailure((o) => usersClient(t, 'a'.repeat(100_000)).searchUsers({}, o))).toMatchObject({ code: 16, detail: { id: 'APP-BxUSiL' } });
    // Beyond that the HTTP/2 layer resets the stream: the client gets a status, the server is unaffected.
    const reset = await grpcFailure((o) => usersClient(t, 'a'.repeat(1_000_000)).searchUsers({}, o));
    expect(reset.code).not.toBe(0);
    expect(await usersClient(t, forge({})).searchUsers({})).toMatchObject({ result: [] });
  });
});
