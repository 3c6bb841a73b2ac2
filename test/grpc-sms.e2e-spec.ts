import type { AdminServiceClient } from '@zitadel/node/dist/api/generated/zitadel/admin.js';
import { Duration } from '@zitadel/node/dist/api/generated/google/protobuf/duration.js';
import { SMSProviderConfigState } from '@zitadel/node/dist/api/generated/zitadel/settings.js';
import { adminClient, grpcFailure, usersClient } from './support/grpc-clients';
import { TestApp, expectZitadelError } from './support/test-app';

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/zitadel.v1.ErrorDetail';

describe('SMS providers over native gRPC (ZITADEL\'s @zitadel/node client)', () => {
  let t: TestApp;
  let ownerToken: string;
  let admin: AdminServiceClient;
  let viewer: AdminServiceClient;

  beforeAll(async () => {
    t = await TestApp.start();
    ownerToken = await t.issuer.owner({ sub: 'grpc-admin' });
    admin = adminClient(t, ownerToken);
    viewer = adminClient(t, await t.issuer.token({ roles: { IAM_OWNER_VIEWER: ['instance'] } }));
  });
  afterAll(() => t.close());

  const addTwilio = async (token = 'first-secret') => {
    const added = await admin.addSMSProviderTwilio({ sid: 'AC123', token, senderNumber: '+41791234567', description: 'main' });
    return added.id;
  };
  const sequenceInDb = async (id: string) => String((await t.query('SELECT sequence FROM sms_providers WHERE id = ?', [id]))[0].sequence);

  describe('every SMS-provider RPC', () => {
    it('AddSMSProviderTwilio answers add-style details; GetSMSProvider reads it as REST does', async () => {
      const added = await admin.addSMSProviderTwilio({
        sid: 'AC999',
        token: 'added-secret',
        senderNumber: '+41790000000',
        description: 'backup',
        verifyServiceSid: 'VA1',
      });
      expect(added.id).toMatch(/^\d{15,20}$/);
      expect(added.details!.sequence.toString()).toBe('1');
      expect(added.details!.creationDate).toBeInstanceOf(Date);
      expect(added.details!.changeDate).toBeUndefined();

      const { config } = await viewer.getSMSProvider({ id: added.id });
      expect(config).toMatchObject({
        id: added.id,
        state: SMSProviderConfigState.SMS_PROVIDER_CONFIG_INACTIVE,
        description: 'backup',
        twilio: { sid: 'AC999', senderNumber: '+41790000000', verifyServiceSid: 'VA1' },
        http: undefined,
      });
      expect(JSON.stringify(config)).not.toContain('added-secret');

      const rest = await t.request('GET', `/admin/v1/sms/${added.id}`, { token: ownerToken });
      expect(rest.body.config.state).toBe('SMS_PROVIDER_CONFIG_INACTIVE');
      expect({
        sequence: config!.details!.sequence.toString(),
        creationDate: config!.details!.creationDate!.toISOString(),
        changeDate: config!.details!.changeDate!.toISOString(),
        resourceOwner: config!.details!.resourceOwner,
      }).toEqual(rest.body.config.details);
      expect(added.details!.creationDate!.toISOString()).toBe(rest.body.config.details.creationDate);
    });

    it('UpdateSMSProviderTwilioToken rotates the token, grows the sequence and records the gRPC caller as editor', async () => {
      const id = await addTwilio('plain-secret-AAA');
      const [before] = await t.query('SELECT twilio_token_ciphertext FROM sms_providers WHERE id = ?', [id]);

      const { config } = await admin.getSMSProvider({ id });
      const rotated = await admin.updateSMSProviderTwilioToken({ id, token: 'plain-secret-BBB' });
      expect(rotated.details!.sequence.toString()).toBe('2');
      expect(rotated.details!.changeDate).toBeInstanceOf(Date);
      // details.creation_date: the provider's creation, as in ZITADEL's documented answer.
      expect(rotated.details!.creationDate).toEqual(config!.details!.creationDate);
      expect(rotated.details!.resourceOwner).toMatch(/^\d+$/);

      const [after] = await t.query('SELECT twilio_token_ciphertext FROM sms_providers WHERE id = ?', [id]);
      expect(after.twilio_token_ciphertext).not.toEqual(before.twilio_token_ciphertext);
      const log = await t.query('SELECT event_type, sequence, editor FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((row) => [row.event_type, String(row.sequence), row.editor])).toEqual([
        ['sms_provider.twilio.added', '1', 'grpc-admin'],
        ['sms_provider.twilio.token.changed', '2', 'grpc-admin'],
      ]);
      expect(JSON.stringify(await t.query('SELECT * FROM change_log'))).not.toContain('plain-secret');
    });

    it('UpdateSMSProviderTwilio replaces the fields and answers the current details when nothing changed', async () => {
      const id = await addTwilio();
      const changed = await admin.updateSMSProviderTwilio({ id, sid: 'AC456', senderNumber: '', description: 'renamed', verifyServiceSid: '' });
      expect(changed.details!.sequence.toString()).toBe('2');
      const again = await admin.updateSMSProviderTwilio({ id, sid: 'AC456', description: 'renamed' });
      expect(again.details!.sequence.toString()).toBe('2');
      expect(again.details!.changeDate).toEqual(changed.details!.changeDate);
      expect(changed.details!.creationDate).toBeInstanceOf(Date);
      expect(again.details!.creationDate).toEqual(changed.details!.creationDate);
      const { config } = await admin.getSMSProvider({ id });
      expect(config!.twilio).toEqual({ sid: 'AC456', senderNumber: '', verifyServiceSid: '' });
      expect(config!.description).toBe('renamed');
    });

    it('AddSMSProviderHTTP returns the signing key once; UpdateSMSProviderHTTP rotates it only when asked', async () => {
      const added = await admin.addSMSProviderHTTP({ endpoint: 'https://relay.example.com/sms', description: 'relay' });
      expect(added.signingKey).toMatch(/^[\w-]{40,}$/);
      expect(added.details!.sequence.toString()).toBe('1');

      const kept = await admin.updateSMSProviderHTTP({ id: added.id, endpoint: 'https://relay.example.com/v2', description: 'relay' });
      expect(kept.signingKey).toBeUndefined();
      expect(kept.details!.sequence.toString()).toBe('2');

      const rotated = await admin.updateSMSProviderHTTP({
        id: added.id,
        endpoint: 'https://relay.example.com/v2',
        description: 'relay',
        expirationSigningKey: Duration.fromPartial({}),
      });
      expect(rotated.signingKey).toMatch(/^[\w-]{40,}$/);
      expect(rotated.signingKey).not.toBe(added.signingKey);

      const { config } = await admin.getSMSProvider({ id: added.id });
      expect(config!.http).toEqual({ endpoint: 'https://relay.example.com/v2', signingKey: '' });
      expect(config!.twilio).toBeUndefined();
    });

    it('ActivateSMSProvider makes exactly one provider active; DeactivateSMSProvider and RemoveSMSProvider follow', async () => {
      const first = await addTwilio();
      const second = await addTwilio();
      await admin.activateSMSProvider({ id: first });
      const activated = await admin.activateSMSProvider({ id: second });
      expect(activated.details!.changeDate).toBeInstanceOf(Date);
      expect(activated.details!.creationDate).toEqual((await admin.getSMSProvider({ id: second })).config!.details!.creationDate);
      expect((await admin.getSMSProvider({ id: first })).config!.state).toBe(SMSProviderConfigState.SMS_PROVIDER_CONFIG_INACTIVE);
      expect((await admin.getSMSProvider({ id: second })).config!.state).toBe(SMSProviderConfigState.SMS_PROVIDER_CONFIG_ACTIVE);

      expect(await grpcFailure((o) => admin.activateSMSProvider({ id: second }, o))).toMatchObject({ code: 9, detail: { id: 'COMMAND-B25GFeIvRi' } });
      await admin.deactivateSMSProvider({ id: second });
      expect(await grpcFailure((o) => admin.deactivateSMSProvider({ id: second }, o))).toMatchObject({ code: 9, detail: { id: 'COMMAND-OSZAEkYvk7' } });

      const removed = await admin.removeSMSProvider({ id: second });
      expect(removed.details!.sequence.toString()).toBe('4');
      expect(await grpcFailure((o) => admin.getSMSProvider({ id: second }, o))).toMatchObject({ code: 5, detail: { id: 'QUERY-fn99w' } });
    });

    it('ListSMSProviders pages like REST, with uint64 totals', async () => {
      await addTwilio();
      await addTwilio();
      const list = await viewer.listSMSProviders({ query: { limit: 2, asc: true } });
      const rest = await t.request('POST', '/admin/v1/sms/_search', { token: ownerToken, body: { query: { limit: 2, asc: true } } });
      expect(list.result.map((p) => p.id)).toEqual(rest.body.result.map((p: { id: string }) => p.id));
      expect(list.result).toHaveLength(2);
      expect(list.details!.totalResult.toString()).toBe(rest.body.details.totalResult);
      expect(list.details!.viewTimestamp).toBeInstanceOf(Date);
      const skipped = await viewer.listSMSProviders({ query: { offset: 1, limit: 1, asc: true } });
      expect(skipped.result[0].id).toBe(list.result[1].id);
    });
  });

  describe('errors: ZITADEL\'s status code, grpc-message and ErrorDetail', () => {
    it('not found: 5 with COMMAND-ij3NhEHATp in grpc-status-details-bin', async () => {
      expect(await grpcFailure((o) => admin.updateSMSProviderTwilioToken({ id: '123456789', token: 'x' }, o))).toEqual({
        code: 5,
        message: 'SMS configuration not found (COMMAND-ij3NhEHATp)',
        status: { code: 5, message: 'SMS configuration not found (COMMAND-ij3NhEHATp)', typeUrl: ERROR_DETAIL_TYPE_URL },
        detail: { id: 'COMMAND-ij3NhEHATp', message: 'SMS configuration not found' },
      });
    });

    it.each([
      ['an empty token', ''],
      ['a token of 201 runes', 'é'.repeat(201)],
    ])('invalid argument: %s gets 3 and the same error id as over REST, and changes nothing', async (_case, token) => {
      const id = await addTwilio();
      const failure = await grpcFailure((o) => admin.updateSMSProviderTwilioToken({ id, token }, o));
      const rest = await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: ownerToken, body: { token } });
      expectZitadelError(rest, 400, 3, 'VALIDATION-UpdateSMSProviderTwilioTokenRequest.Token');
      expect(failure).toMatchObject({ code: 3, message: rest.body.message, detail: { id: 'VALIDATION-UpdateSMSProviderTwilioTokenRequest.Token' } });
      expect(await sequenceInDb(id)).toBe('1');
    });

    it('invalid argument: a list limit above 1000 is QUERY-4M0fs', async () => {
      expect(await grpcFailure((o) => admin.listSMSProviders({ query: { limit: 1001 } }, o))).toMatchObject({ code: 3, detail: { id: 'QUERY-4M0fs' } });
    });

    it('permission denied: 7 AUTH-5mWD2 for a viewer or an organization owner writing; 7 without the API scope', async () => {
      const id = await addTwilio();
      expect(await grpcFailure((o) => viewer.updateSMSProviderTwilioToken({ id, token: 'x' }, o))).toMatchObject({
        code: 7,
        message: 'No matching permissions found (AUTH-5mWD2)',
        detail: { id: 'AUTH-5mWD2' },
      });
      const orgOwner = adminClient(t, await t.issuer.token({ roles: { ORG_OWNER: ['org-1'] } }));
      expect(await grpcFailure((o) => orgOwner.getSMSProvider({ id }, o))).toMatchObject({ code: 7, detail: { id: 'AUTH-5mWD2' } });
      const noScope = adminClient(t, await t.issuer.owner({ scope: 'openid profile' }));
      expect(await grpcFailure((o) => noScope.listSMSProviders({}, o))).toMatchObject({ code: 7, detail: { id: 'AUTH-S6c0p' } });
      expect(await sequenceInDb(id)).toBe('1');
    });

    it('unauthenticated: 16 without the authorization metadata, with a malformed, a foreign or an expired token', async () => {
      expect(await grpcFailure((o) => adminClient(t).listSMSProviders({}, o))).toMatchObject({
        code: 16,
        message: 'auth header missing (AUTH-x4hB8)',
        detail: { id: 'AUTH-x4hB8' },
      });
      expect(await grpcFailure((o) => adminClient(t, 'abc.def.ghi').listSMSProviders({}, o))).toMatchObject({ code: 16, detail: { id: 'APP-BxUSiL' } });
      const foreign = await t.issuer.owner({ issuer: 'https://elsewhere.example.com' });
      expect(await grpcFailure((o) => adminClient(t, foreign).listSMSProviders({}, o))).toMatchObject({ code: 16 });
      const expired = await t.issuer.owner({ expiresIn: -60 });
      expect(await grpcFailure((o) => adminClient(t, expired).listSMSProviders({}, o))).toMatchObject({ code: 16, detail: { id: 'APP-k9KS0' } });
    });

    it('unimplemented: 12 with a clear message for RPCs that have no handler', async () => {
      expect(await grpcFailure((o) => admin.getMyInstance({}, o))).toEqual({
        code: 12,
        message: 'zitadel.admin.v1.AdminService/GetMyInstance is not implemented by this service (GRPC-Unimplemented)',
        status: expect.objectContaining({ code: 12 }),
        detail: { id: 'GRPC-Unimplemented', message: 'zitadel.admin.v1.AdminService/GetMyInstance is not implemented by this service' },
      });
      expect(await grpcFailure((o) => admin.listSMTPConfigs({}, o))).toMatchObject({ code: 12 });
      expect(await grpcFailure((o) => usersClient(t, ownerToken).setPassword({ id: '1' }, o))).toMatchObject({
        code: 12,
        message: expect.stringContaining('zitadel.resources.user.v3alpha.ZITADELUsers/SetPassword is not implemented'),
      });
    });
  });

  describe('REST and gRPC share one application layer', () => {
    it('a provider added over gRPC reads the same over REST', async () => {
      const added = await admin.addSMSProviderHTTP({ endpoint: 'https://hooks.example.com/sms', description: 'from gRPC' });
      const rest = await t.request('GET', `/admin/v1/sms/${added.id}`, { token: ownerToken });
      expect(rest.status).toBe(200);
      expect(rest.body.config).toEqual({
        details: {
          sequence: '1',
          creationDate: added.details!.creationDate!.toISOString(),
          changeDate: added.details!.creationDate!.toISOString(),
          resourceOwner: added.details!.resourceOwner,
        },
        id: added.id,
        state: 'SMS_PROVIDER_CONFIG_INACTIVE',
        description: 'from gRPC',
        http: { endpoint: 'https://hooks.example.com/sms' },
      });
    });

    it('a token rotated over REST shows its sequence over gRPC', async () => {
      const id = await addTwilio();
      const rest = await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: ownerToken, body: { token: 'rotated-over-rest' } });
      expect(rest.body.details.sequence).toBe('2');
      const { config } = await admin.getSMSProvider({ id });
      expect(config!.details!.sequence.toString()).toBe('2');
      expect(config!.details!.changeDate!.toISOString()).toBe(rest.body.details.changeDate);
    });
  });
});
