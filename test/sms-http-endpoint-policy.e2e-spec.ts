import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AdminServiceClient } from '@zitadel/node/dist/api/generated/zitadel/admin.js';
import { HostResolver, ResolvedAddress, SystemHostResolver } from '../src/common/net/host-resolver';
import { testRedisUrl } from './support/environment';
import { eventually } from './support/eventually';
import { adminClient, grpcFailure } from './support/grpc-clients';
import { LogCapture } from './support/log-capture';
import { enqueueCode, outboxRow } from './support/notifications';
import { TestApp, expectZitadelError } from './support/test-app';

jest.setTimeout(30_000);

const NOT_PUBLIC = 'SMS-EndpointNotPublic';
const CREDENTIALS = 'SMS-EndpointCredentials';

/** Endpoints an admin must not be able to point the HTTP provider at, with the error id that refuses each. */
const HOSTILE: Array<[string, string, string]> = [
  ['loopback IPv4', 'http://127.0.0.1:8080/sms', NOT_PUBLIC],
  ['loopback IPv4 beyond .1', 'http://127.9.8.7/sms', NOT_PUBLIC],
  ['loopback IPv6', 'http://[::1]:8080/sms', NOT_PUBLIC],
  ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/', NOT_PUBLIC],
  ['private 10.0.0.0/8', 'http://10.0.0.5/sms', NOT_PUBLIC],
  ['private 192.168.0.0/16', 'https://192.168.1.10/sms', NOT_PUBLIC],
  ['private 172.16.0.0/12', 'http://172.16.5.4/sms', NOT_PUBLIC],
  ['CGNAT 100.64.0.0/10', 'http://100.64.0.1/sms', NOT_PUBLIC],
  ['unique-local IPv6', 'http://[fd12:3456::1]/sms', NOT_PUBLIC],
  ['link-local IPv6', 'http://[fe80::1]/sms', NOT_PUBLIC],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/sms', NOT_PUBLIC],
  ['IPv4-mapped IPv6 metadata', 'http://[::ffff:a9fe:a9fe]/sms', NOT_PUBLIC],
  ['decimal IPv4 (2130706433)', 'http://2130706433/sms', NOT_PUBLIC],
  ['hex IPv4 (0x7f.1)', 'http://0x7f.1/sms', NOT_PUBLIC],
  ['octal IPv4 (0177.0.0.1)', 'http://0177.0.0.1/sms', NOT_PUBLIC],
  ['unspecified 0.0.0.0', 'http://0.0.0.0:8080/sms', NOT_PUBLIC],
  ['unspecified IPv6', 'http://[::]/sms', NOT_PUBLIC],
  ['broadcast', 'http://255.255.255.255/sms', NOT_PUBLIC],
  ['multicast', 'http://224.0.0.1/sms', NOT_PUBLIC],
  ['documentation range', 'http://192.0.2.10/sms', NOT_PUBLIC],
  ['localhost', 'http://localhost:8080/sms', NOT_PUBLIC],
  ['LOCALHOST. (upper case, trailing dot)', 'http://LOCALHOST./sms', NOT_PUBLIC],
  ['a name under .localhost', 'http://gateway.localhost/sms', NOT_PUBLIC],
  ['user and password', 'https://admin:s3cret@relay.example.com/sms', CREDENTIALS],
  ['user name only', 'https://admin@relay.example.com/sms', CREDENTIALS],
];

/** Schemes other than http(s) (the endpoint's URL rule refused these before; kept beside the rest). */
const SCHEMES: Array<[string, string]> = [
  ['file:', 'file:///etc/passwd'],
  ['gopher:', 'gopher://127.0.0.1:6379/_INFO'],
];

/** Resolves the names given to it; every other name as the system does. */
class FixedResolver extends HostResolver {
  readonly asked: string[] = [];
  constructor(private readonly names: Record<string, string>) {
    super();
  }
  resolve(hostName: string): Promise<ResolvedAddress[]> {
    this.asked.push(hostName);
    const address = this.names[hostName];
    return address ? Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]) : new SystemHostResolver().resolve(hostName);
  }
}

/** An HTTP provider stand-in on 127.0.0.1 that counts what reaches it. */
class Gateway {
  private server?: Server;
  readonly received: Array<{ path: string; body: string }> = [];
  /** Answers in turn (status and Location); 200 when none is queued. */
  readonly replies: Array<{ status: number; location?: string }> = [];
  port = 0;

  async start(): Promise<this> {
    this.server = createServer(async (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      this.received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      const reply = this.replies.shift() ?? { status: 200 };
      response.statusCode = reply.status;
      if (reply.location) response.setHeader('location', reply.location);
      response.end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const settled = (t: TestApp, id: string) =>
  eventually(async () => {
    const row = await outboxRow(t, id);
    return row.state === 'sent' || row.state === 'failed' ? row : undefined;
  });

describe('HTTP SMS provider endpoints: no requests to non-public destinations (production topology)', () => {
  describe('by default', () => {
    const log = new LogCapture();
    const resolver = new FixedResolver({ 'sms.rebind.test': '127.0.0.1' });
    let t: TestApp;
    let owner: string;
    let admin: AdminServiceClient;
    let gateway: Gateway;
    let existingId: string;

    beforeAll(async () => {
      gateway = await new Gateway().start();
      t = await TestApp.start({ REDIS_URL: testRedisUrl(), NOTIFICATION_RETRY_BASE_MS: '50', LOG_LEVEL: 'info' }, { logStream: log, hostResolver: resolver });
      owner = await t.issuer.owner();
      admin = adminClient(t, owner);
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com/sms', description: 'public' } });
      expect(added.status).toBe(200);
      existingId = added.body.id;
    });
    afterAll(async () => {
      await t?.close();
      await gateway?.stop();
    });

    const providerCount = async () => Number((await t.query('SELECT COUNT(*) AS n FROM sms_providers'))[0].n);
    const existingRow = async () => (await t.query('SELECT http_endpoint, sequence FROM sms_providers WHERE id = ?', [existingId]))[0];

    it.each(HOSTILE)('AddSMSProviderHTTP over REST refuses %s with 400, code 3 and writes nothing', async (_label, endpoint, id) => {
      const before = await providerCount();
      const response = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint, description: 'hostile' } });
      expectZitadelError(response, 400, 3, id);
      expect(response.text).not.toContain('s3cret');
      expect(await providerCount()).toBe(before);
    });

    it.each(HOSTILE)('UpdateSMSProviderHTTP over REST refuses %s and leaves the provider as it was', async (_label, endpoint, id) => {
      const response = await t.request('PUT', `/admin/v1/sms/http/${existingId}`, { token: owner, body: { endpoint, expirationSigningKey: '0s' } });
      expectZitadelError(response, 400, 3, id);
      const row = await existingRow();
      expect({ endpoint: row.http_endpoint, sequence: String(row.sequence) }).toEqual({ endpoint: 'https://relay.example.com/sms', sequence: '1' });
    });

    it.each(HOSTILE)('AddSMSProviderHTTP and UpdateSMSProviderHTTP over gRPC refuse %s with code 3', async (_label, endpoint, id) => {
      const before = await providerCount();
      expect(await grpcFailure((o) => admin.addSMSProviderHTTP({ endpoint, description: 'hostile' }, o))).toMatchObject({ code: 3, detail: { id } });
      expect(await grpcFailure((o) => admin.updateSMSProviderHTTP({ id: existingId, endpoint, description: 'public' }, o))).toMatchObject({
        code: 3,
        detail: { id },
      });
      expect(await providerCount()).toBe(before);
      expect(String((await existingRow()).sequence)).toBe('1');
    });

    it.each(SCHEMES)('refuses a %s endpoint over REST and gRPC', async (_label, endpoint) => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint } }), 400, 3, 'VALIDATION-AddSMSProviderHTTPRequest.Endpoint');
      expect(await grpcFailure((o) => admin.updateSMSProviderHTTP({ id: existingId, endpoint }, o))).toMatchObject({ code: 3 });
    });

    it('says why and how to allow it, without echoing the URL\'s path or query', async () => {
      const response = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'http://169.254.169.254/latest/meta-data/?token=abc' } });
      expect(response.body.details[0].message).toBe(
        "the endpoint's address 169.254.169.254 is a link-local address, not a public address (an operator can allow it with SMS_HTTP_ALLOWED_HOSTS)",
      );
      expect(response.text).not.toContain('meta-data');
    });

    it('DNS rebinding: a name that passed as a name but resolves to 127.0.0.1 when sending is never contacted; the attempt fails for good', async () => {
      const endpoint = `http://sms.rebind.test:${gateway.port}/sms?key=query-secret-4e5f`;
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint, description: 'rebinding' } });
      expect(added.status).toBe(200);
      expect((await t.request('POST', `/admin/v1/sms/${added.body.id}/_activate`, { token: owner })).status).toBe(200);

      const id = await enqueueCode(t, { code: 'REB1ND' });
      const row = await settled(t, id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1, provider_id: added.body.id, code_ciphertext: null });
      expect(row.last_error).toBe(`HTTP provider ${added.body.id} refused: sms.rebind.test resolves to 127.0.0.1, which is a loopback address, not a public address`);
      expect(resolver.asked).toContain('sms.rebind.test');
      expect(gateway.received).toEqual([]);

      // The warn line follows the row's commit, so it may land just after the row reads failed.
      const warnings = await eventually(() => {
        const found = log.lines.filter((line) => line.notificationId === id && line.level >= 40);
        return found.length > 0 && found;
      });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toMatch(/notification failed/);
      expect(log.text).not.toContain('query-secret-4e5f');
      expect(log.text).not.toContain('REB1ND');
    });

    it('an endpoint stored before these rules (an IP literal) is refused when sending, without a connection', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com/legacy' } });
      await t.execute('UPDATE sms_providers SET http_endpoint = ? WHERE id = ?', [`http://127.0.0.1:${gateway.port}/legacy`, added.body.id]);
      expect((await t.request('POST', `/admin/v1/sms/${added.body.id}/_activate`, { token: owner })).status).toBe(200);

      const row = await settled(t, await enqueueCode(t));
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toBe(`HTTP provider ${added.body.id} refused: the endpoint's address 127.0.0.1 is a loopback address, not a public address`);
      expect(gateway.received).toEqual([]);
    });
  });

  describe('with SMS_HTTP_ALLOWED_HOSTS', () => {
    const resolver = new FixedResolver({ 'sms.rebind.test': '127.0.0.1' });
    let t: TestApp;
    let owner: string;
    let gateway: Gateway;
    let elsewhere: Gateway;

    beforeAll(async () => {
      gateway = await new Gateway().start();
      elsewhere = await new Gateway().start();
      t = await TestApp.start(
        { REDIS_URL: testRedisUrl(), SMS_HTTP_ALLOWED_HOSTS: '127.0.0.0/8, 10.0.0.0/8, sms-gw.localhost' },
        { hostResolver: resolver },
      );
      owner = await t.issuer.owner();
    });
    afterAll(async () => {
      await t?.close();
      await gateway?.stop();
      await elsewhere?.stop();
    });

    it('accepts the listed ranges and names and public destinations; still refuses what is not listed, and credentials', async () => {
      const add = (endpoint: string) => t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint } });
      for (const endpoint of ['http://127.0.0.1:9/sms', 'http://2130706433/sms', 'http://10.20.30.40/sms', 'http://sms-gw.localhost/sms', 'https://relay.example.com/sms', 'http://[2001:4860:4860::8888]/sms']) {
        const response = await add(endpoint);
        expect({ endpoint, status: response.status }).toEqual({ endpoint, status: 200 });
      }
      expectZitadelError(await add('http://192.168.1.1/sms'), 400, 3, NOT_PUBLIC);
      expectZitadelError(await add('http://[::1]/sms'), 400, 3, NOT_PUBLIC);
      expectZitadelError(await add('http://localhost/sms'), 400, 3, NOT_PUBLIC);
      expectZitadelError(await add('http://user:pw@127.0.0.1/sms'), 400, 3, CREDENTIALS);

      const admin = adminClient(t, owner);
      expect((await admin.addSMSProviderHTTP({ endpoint: 'http://10.1.1.1/sms' })).id).toMatch(/^\d+$/);
      expect(await grpcFailure((o) => admin.addSMSProviderHTTP({ endpoint: 'http://172.16.0.1/sms' }, o))).toMatchObject({ code: 3, detail: { id: NOT_PUBLIC } });
    });

    it('delivers to a listed gateway through the resolver, and does not follow its redirect', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: `http://sms.rebind.test:${gateway.port}/sms` } });
      expect(added.status).toBe(200);
      await t.request('POST', `/admin/v1/sms/${added.body.id}/_activate`, { token: owner });

      gateway.replies.push({ status: 302, location: `http://127.0.0.1:${elsewhere.port}/internal` });
      const redirected = await settled(t, await enqueueCode(t, { code: 'REDIR1' }));
      expect(redirected).toMatchObject({ state: 'failed', attempts: 1 });
      expect(redirected.last_error).toMatch(/^HTTP provider HTTP 302/);

      const sent = await settled(t, await enqueueCode(t, { code: 'ALLOW1' }));
      expect(sent).toMatchObject({ state: 'sent', attempts: 1, provider_id: added.body.id });
      expect(gateway.received.map((r) => [r.path, r.body.includes('ALLOW1')])).toEqual([
        ['/sms', false],
        ['/sms', true],
      ]);
      expect(elsewhere.received).toEqual([]);
    });
  });
});
