import { fromBinary, toBinary, create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Client, Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { AdminService, ListSMSProvidersRequestSchema, ListSMSProvidersResponseSchema } from '@zitadel/proto/zitadel/admin_pb';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { ZITADELUsers } from '@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb';
import { SMSProviderConfigState } from '@zitadel/proto/zitadel/settings_pb';
import { adminClient } from './support/grpc-clients';
import { TestApp, expectZitadelError } from './support/test-app';

const APP_ORIGIN = 'https://app.example.com';

/** What a connect-web client sees of a failed call: code, grpc-message and the ErrorDetail id. */
async function webFailure(call: Promise<unknown>): Promise<{ code: Code; message: string; id?: string }> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    return { code: connectError.code, message: connectError.rawMessage, id: connectError.findDetails(ErrorDetailSchema)[0]?.id };
  }
  throw new Error('the call succeeded; a failure was expected');
}

/** gRPC-web frames: 1 flag byte (0x80 = trailer), 4 bytes length, payload. */
function frames(bytes: Uint8Array): Array<{ trailer: boolean; payload: Uint8Array }> {
  const result = [];
  for (let at = 0; at < bytes.length; ) {
    const length = Buffer.from(bytes.subarray(at + 1, at + 5)).readUInt32BE(0);
    result.push({ trailer: (bytes[at] & 0x80) !== 0, payload: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return result;
}

function frame(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

describe('SMS providers over gRPC-web (connect-web with @zitadel/proto)', () => {
  let t: TestApp;
  let ownerToken: string;
  let viewerToken: string;
  let admin: Client<typeof AdminService>;
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await TestApp.start({ CORS_ORIGINS: APP_ORIGIN });
    ownerToken = await t.issuer.owner({ sub: 'web-admin' });
    viewerToken = await t.issuer.token({ roles: { IAM_OWNER_VIEWER: ['instance'] } });
    admin = createClient(AdminService, createGrpcWebTransport({ baseUrl: t.url }));
  });
  afterAll(() => t.close());

  it('serves every SMS-provider RPC', async () => {
    const owner = as(ownerToken);
    const twilio = await admin.addSMSProviderTwilio({ sid: 'AC1', token: 'web-secret', senderNumber: '+41791234567', description: 'web' }, owner);
    expect(twilio.details!.sequence).toBe(1n);
    expect(twilio.details!.creationDate).toBeDefined();

    const read = await admin.getSMSProvider({ id: twilio.id }, as(viewerToken));
    expect(read.config).toMatchObject({
      id: twilio.id,
      state: SMSProviderConfigState.SMS_PROVIDER_CONFIG_INACTIVE,
      description: 'web',
      config: { case: 'twilio', value: { sid: 'AC1', senderNumber: '+41791234567', verifyServiceSid: '' } },
    });

    expect((await admin.updateSMSProviderTwilio({ id: twilio.id, sid: 'AC2', description: 'web' }, owner)).details!.sequence).toBe(2n);
    const rotated = await admin.updateSMSProviderTwilioToken({ id: twilio.id, token: 'web-secret-2' }, owner);
    expect(rotated.details!.sequence).toBe(3n);
    expect(rotated.details!.changeDate).toBeDefined();
    // details.creationDate on a change: the provider's creation, as in ZITADEL's documented answer.
    expect(rotated.details!.creationDate).toEqual(read.config!.details!.creationDate);
    expect(rotated.details!.creationDate).toBeDefined();

    const http = await admin.addSMSProviderHTTP({ endpoint: 'https://relay.example.com/sms' }, owner);
    expect(http.id).toMatch(/^\d+$/);
    expect((await admin.updateSMSProviderHTTP({ id: http.id, endpoint: 'https://relay.example.com/v2' }, owner)).details!.sequence).toBe(2n);

    expect((await admin.activateSMSProvider({ id: twilio.id }, owner)).details!.sequence).toBe(4n);
    expect((await admin.deactivateSMSProvider({ id: twilio.id }, owner)).details!.sequence).toBe(5n);
    const list = await admin.listSMSProviders({ query: { asc: true } }, as(viewerToken));
    expect(list.result.map((p) => p.id)).toEqual(expect.arrayContaining([twilio.id, http.id]));
    expect(list.details!.totalResult).toBe(BigInt(list.result.length));

    expect((await admin.removeSMSProvider({ id: http.id }, owner)).details!.sequence).toBe(3n);
    expect(await webFailure(admin.getSMSProvider({ id: http.id }, owner))).toMatchObject({ code: Code.NotFound, id: 'QUERY-fn99w' });
  });

  describe('errors carry ZITADEL\'s code, message and ErrorDetail', () => {
    it('16 without a token, 7 for a viewer writing, 5 for an unknown provider, 3 for an empty token', async () => {
      expect(await webFailure(admin.listSMSProviders({}))).toEqual({ code: Code.Unauthenticated, message: 'auth header missing (AUTH-x4hB8)', id: 'AUTH-x4hB8' });
      expect(await webFailure(admin.addSMSProviderHTTP({ endpoint: 'https://x.example.com' }, as(viewerToken)))).toEqual({
        code: Code.PermissionDenied,
        message: 'No matching permissions found (AUTH-5mWD2)',
        id: 'AUTH-5mWD2',
      });
      expect(await webFailure(admin.updateSMSProviderTwilioToken({ id: '123456789', token: 'x' }, as(ownerToken)))).toEqual({
        code: Code.NotFound,
        message: 'SMS configuration not found (COMMAND-ij3NhEHATp)',
        id: 'COMMAND-ij3NhEHATp',
      });
      const { id } = await admin.addSMSProviderTwilio({ sid: 'AC1', token: 't' }, as(ownerToken));
      expect(await webFailure(admin.updateSMSProviderTwilioToken({ id, token: '' }, as(ownerToken)))).toMatchObject({
        code: Code.InvalidArgument,
        id: 'VALIDATION-UpdateSMSProviderTwilioTokenRequest.Token',
      });
    });

    it('12 for RPCs that have no handler', async () => {
      const transport = createGrpcWebTransport({ baseUrl: t.url });
      const owner = as(ownerToken);
      expect(await webFailure(admin.getMyInstance({}, owner))).toEqual({
        code: Code.Unimplemented,
        message: 'zitadel.admin.v1.AdminService/GetMyInstance is not implemented by this service (GRPC-Unimplemented)',
        id: 'GRPC-Unimplemented',
      });
      expect(await webFailure(createClient(ZITADELUsers, transport).setPassword({ id: '1' }, owner))).toMatchObject({ code: Code.Unimplemented });
    });
  });

  it('shares its data with native gRPC and REST', async () => {
    const added = await admin.addSMSProviderTwilio({ sid: 'AC7', token: 'shared', description: 'shared' }, as(ownerToken));
    const native = adminClient(t, ownerToken);
    await native.updateSMSProviderTwilioToken({ id: added.id, token: 'rotated-natively' });
    const read = await admin.getSMSProvider({ id: added.id }, as(ownerToken));
    const rest = await t.request('GET', `/admin/v1/sms/${added.id}`, { token: ownerToken });
    expect(read.config!.details!.sequence).toBe(2n);
    expect(rest.body.config.details.sequence).toBe('2');
    expect(timestampDate(read.config!.details!.changeDate!).toISOString()).toBe(rest.body.config.details.changeDate);
    expect(timestampDate(added.details!.creationDate!).toISOString()).toBe(rest.body.config.details.creationDate);
  });

  describe('application/grpc-web-text (base64)', () => {
    const call = (body: string, token?: string) =>
      fetch(`${t.url}/zitadel.admin.v1.AdminService/ListSMSProviders`, {
        method: 'POST',
        headers: { 'content-type': 'application/grpc-web-text', 'x-grpc-web': '1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });

    it('decodes the request and encodes the answer in base64', async () => {
      const request = toBinary(ListSMSProvidersRequestSchema, create(ListSMSProvidersRequestSchema, { query: { limit: 1 } }));
      const response = await call(frame(request).toString('base64'), ownerToken);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/grpc-web-text');
      const [message, trailer] = frames(Buffer.from(await response.text(), 'base64'));
      expect(message.trailer).toBe(false);
      expect(fromBinary(ListSMSProvidersResponseSchema, message.payload).result).toHaveLength(1);
      expect(trailer.trailer).toBe(true);
      expect(Buffer.from(trailer.payload).toString()).toMatch(/grpc-status: ?0/);
    });

    it('accepts base64 in several padded segments and answers errors as trailers', async () => {
      const bytes = frame(new Uint8Array());
      const segmented = bytes.subarray(0, 1).toString('base64') + bytes.subarray(1).toString('base64');
      expect(segmented.indexOf('=')).toBeLessThan(segmented.length - 2);
      const response = await call(segmented);
      const [trailer] = frames(Buffer.from(await response.text(), 'base64'));
      expect(trailer.trailer).toBe(true);
      expect(Buffer.from(trailer.payload).toString()).toMatch(/grpc-status: ?16/);
    });
  });

  describe('CORS for CORS_ORIGINS', () => {
    const path = '/zitadel.admin.v1.AdminService/ListSMSProviders';
    const preflight = (origin: string) =>
      fetch(t.url + path, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-grpc-web,x-user-agent' },
      });

    it('answers the preflight of a configured origin and refuses others', async () => {
      const allowed = await preflight(APP_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
      expect(allowed.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('authorization'));
      expect(allowed.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-grpc-web'));

      const refused = await preflight('https://evil.example.com');
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets the browser read the answer and its gRPC status headers, for configured origins only', async () => {
      const body = frame(new Uint8Array());
      const send = (origin: string) =>
        fetch(t.url + path, { method: 'POST', headers: { origin, 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${ownerToken}` }, body });
      const allowed = await send(APP_ORIGIN);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(allowed.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('grpc-status-details-bin'));
      expect((await send('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('answers unknown methods like a gRPC server and leaves REST to its JSON rules', async () => {
    const unknown = await fetch(`${t.url}/zitadel.admin.v1.AdminService/NoSuchMethod`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto' },
      body: frame(new Uint8Array()),
    });
    expect(unknown.status).toBe(200);
    expect(unknown.headers.get('grpc-status')).toBe('12');
    expect(decodeURIComponent(unknown.headers.get('grpc-message')!)).toContain('NoSuchMethod is not implemented');

    const rest = await t.request('POST', '/admin/v1/sms/_search', { token: ownerToken, rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    expectZitadelError(rest, 400, 3, 'GATEWAY-ContentType');
  });
});
