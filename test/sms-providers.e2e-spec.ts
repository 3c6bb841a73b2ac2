import { TestApp, expectZitadelError } from './support/test-app';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

describe('SMS providers (admin API v1 over REST)', () => {
  let t: TestApp;
  let owner: string;
  let viewer: string;
  let orgOwner: string;

  beforeAll(async () => {
    t = await TestApp.start();
    owner = await t.issuer.owner();
    viewer = await t.issuer.token({ roles: { IAM_OWNER_VIEWER: ['instance'] } });
    orgOwner = await t.issuer.token({ roles: { ORG_OWNER: ['org-1'] } });
  });
  afterAll(() => t.close());

  const addTwilio = async (body: Record<string, unknown> = {}) => {
    const response = await t.request('POST', '/admin/v1/sms/twilio', {
      token: owner,
      body: { sid: 'AC123', token: 'first-secret-token', senderNumber: '+41791234567', description: 'main', ...body },
    });
    expect(response.status).toBe(200);
    return response.body.id as string;
  };

  describe('UpdateSMSProviderTwilioToken (the seed)', () => {
    it("rotates the token and answers ZITADEL's documented shape: the sequence grown by one, the provider's creation date and the change's", async () => {
      const id = await addTwilio();
      const { creationDate } = (await t.request('GET', `/admin/v1/sms/${id}`, { token: owner })).body.config.details;
      const response = await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: owner, body: { token: 'new-twilio-auth-token' } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        details: { sequence: '2', creationDate, changeDate: expect.stringMatching(RFC3339), resourceOwner: expect.stringMatching(/^\d+$/) },
      });
      expect(response.body.details.changeDate).toBe((await t.request('GET', `/admin/v1/sms/${id}`, { token: owner })).body.config.details.changeDate);
    });

    it('gives the creation date on every other change too (update, activate, deactivate, remove, HTTP provider)', async () => {
      const id = await addTwilio();
      const { creationDate } = (await t.request('GET', `/admin/v1/sms/${id}`, { token: owner })).body.config.details;
      const changes = [
        await t.request('PUT', `/admin/v1/sms/twilio/${id}`, { token: owner, body: { sid: 'AC777', description: 'changed' } }),
        await t.request('POST', `/admin/v1/sms/${id}/_activate`, { token: owner }),
        await t.request('POST', `/admin/v1/sms/${id}/_deactivate`, { token: owner }),
        await t.request('DELETE', `/admin/v1/sms/${id}`, { token: owner }),
      ];
      expect(changes.map((change) => [change.status, change.body.details.creationDate])).toEqual(changes.map(() => [200, creationDate]));
      const http = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com/sms' } });
      const httpCreated = (await t.request('GET', `/admin/v1/sms/${http.body.id}`, { token: owner })).body.config.details.creationDate;
      const updated = await t.request('PUT', `/admin/v1/sms/http/${http.body.id}`, { token: owner, body: { endpoint: 'https://relay.example.com/other' } });
      expect(updated.body.details).toEqual({ sequence: '2', creationDate: httpCreated, changeDate: expect.stringMatching(RFC3339), resourceOwner: expect.any(String) });
    });

    it('stores only ciphertext, changes it on rotation, and never returns the token', async () => {
      const id = await addTwilio({ token: 'plain-secret-AAA' });
      const [before] = await t.query('SELECT * FROM sms_providers WHERE id = ?', [id]);
      await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: owner, body: { token: 'plain-secret-BBB' } });
      const [after] = await t.query('SELECT * FROM sms_providers WHERE id = ?', [id]);

      expect(after.twilio_token_ciphertext).not.toEqual(before.twilio_token_ciphertext);
      expect(after.twilio_token_key_id).toMatch(/^mk1-/);
      const everything = JSON.stringify(await t.query('SELECT * FROM sms_providers')) + JSON.stringify(await t.query('SELECT * FROM change_log'));
      expect(everything).not.toContain('plain-secret-AAA');
      expect(everything).not.toContain('plain-secret-BBB');

      const read = await t.request('GET', `/admin/v1/sms/${id}`, { token: owner });
      const list = await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: {} });
      expect(read.text + list.text).not.toContain('plain-secret');
      expect(read.body.config.twilio).toEqual({ sid: 'AC123', senderNumber: '+41791234567' });
    });

    it('answers 404 with code 5 and ZITADEL\'s id for an unknown provider', async () => {
      const response = await t.request('PUT', '/admin/v1/sms/twilio/123456789/token', { token: owner, body: { token: 'x' } });
      expectZitadelError(response, 404, 5, 'COMMAND-ij3NhEHATp');
    });

    it('answers 404 for an HTTP provider, which has no token', async () => {
      const http = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com/sms' } });
      const response = await t.request('PUT', `/admin/v1/sms/twilio/${http.body.id}/token`, { token: owner, body: { token: 'x' } });
      expectZitadelError(response, 404, 5, 'COMMAND-ij3NhEHATp');
    });

    it.each([
      ['empty token', { token: '' }],
      ['token of 201 runes', { token: 'é'.repeat(201) }],
      ['token of the wrong type', { token: 42 }],
      ['missing token', {}],
      ['unknown field', { token: 'ok', tokne: 'typo' }],
    ])('refuses a %s with 400 code 3 and changes nothing', async (_case, body) => {
      const id = await addTwilio();
      const response = await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: owner, body });
      expectZitadelError(response, 400, 3);
      expect(response.body.message).toMatch(/UpdateSMSProviderTwilioTokenRequest\./);
      const [row] = await t.query('SELECT sequence FROM sms_providers WHERE id = ?', [id]);
      expect(String(row.sequence)).toBe('1');
    });

    it('accepts a token of exactly 200 runes', async () => {
      const id = await addTwilio();
      const response = await t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: owner, body: { token: '€'.repeat(200) } });
      expect(response.status).toBe(200);
    });

    it('refuses malformed JSON, a non-object body and a wrong content type with 400', async () => {
      const id = await addTwilio();
      const path = `/admin/v1/sms/twilio/${id}/token`;
      expectZitadelError(await t.request('PUT', path, { token: owner, rawBody: '{"token":', headers: { 'content-type': 'application/json' } }), 400, 3, 'GATEWAY-MalformedJSON');
      expectZitadelError(await t.request('PUT', path, { token: owner, body: ['token'] }), 400, 3);
      expectZitadelError(await t.request('PUT', path, { token: owner, rawBody: 'token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 3, 'GATEWAY-ContentType');
    });

    it('needs iam.write: 403 code 7 for a viewer and an org owner, 403 without the scope, 401 without a token', async () => {
      const id = await addTwilio();
      const path = `/admin/v1/sms/twilio/${id}/token`;
      expectZitadelError(await t.request('PUT', path, { token: viewer, body: { token: 'x' } }), 403, 7, 'AUTH-5mWD2');
      expectZitadelError(await t.request('PUT', path, { token: orgOwner, body: { token: 'x' } }), 403, 7, 'AUTH-5mWD2');
      const noScope = await t.issuer.owner({ scope: 'openid profile' });
      expectZitadelError(await t.request('PUT', path, { token: noScope, body: { token: 'x' } }), 403, 7);
      expectZitadelError(await t.request('PUT', path, { body: { token: 'x' } }), 401, 16);
    });
  });

  describe('AddSMSProviderTwilio / UpdateSMSProviderTwilio', () => {
    it('adds an inactive provider with add-style details', async () => {
      const response = await t.request('POST', '/admin/v1/sms/twilio', {
        token: owner,
        body: { sid: 'AC999', token: 't', senderNumber: '+41790000000', description: 'backup', verifyServiceSid: 'VA1' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        details: { sequence: '1', creationDate: expect.stringMatching(RFC3339), resourceOwner: expect.any(String) },
        id: expect.stringMatching(/^\d{15,20}$/),
      });
      const read = await t.request('GET', `/admin/v1/sms/${response.body.id}`, { token: viewer });
      expect(read.body.config).toEqual({
        details: {
          sequence: '1',
          creationDate: response.body.details.creationDate,
          changeDate: response.body.details.creationDate,
          resourceOwner: response.body.details.resourceOwner,
        },
        id: response.body.id,
        state: 'SMS_PROVIDER_CONFIG_INACTIVE',
        description: 'backup',
        twilio: { sid: 'AC999', senderNumber: '+41790000000', verifyServiceSid: 'VA1' },
      });
    });

    it('refuses a missing sid and an over-long description', async () => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/twilio', { token: owner, body: { token: 't' } }), 400, 3, 'VALIDATION-AddSMSProviderTwilioRequest.Sid');
      expectZitadelError(
        await t.request('POST', '/admin/v1/sms/twilio', { token: owner, body: { sid: 'a', token: 't', description: 'x'.repeat(201) } }),
        400,
        3,
        'VALIDATION-AddSMSProviderTwilioRequest.Description',
      );
    });

    it('updates every field but the token; an identical update writes nothing', async () => {
      const id = await addTwilio();
      const [before] = await t.query('SELECT twilio_token_ciphertext FROM sms_providers WHERE id = ?', [id]);
      const update = { sid: 'AC456', senderNumber: '', description: 'renamed', verifyServiceSid: 'VA9' };
      const first = await t.request('PUT', `/admin/v1/sms/twilio/${id}`, { token: owner, body: update });
      expect(first.body.details).toEqual({ sequence: '2', creationDate: expect.stringMatching(RFC3339), changeDate: expect.stringMatching(RFC3339), resourceOwner: expect.any(String) });
      const again = await t.request('PUT', `/admin/v1/sms/twilio/${id}`, { token: owner, body: update });
      expect(again.status).toBe(200);
      expect(again.body.details).toEqual(first.body.details);

      const read = await t.request('GET', `/admin/v1/sms/${id}`, { token: owner });
      expect(read.body.config.twilio).toEqual({ sid: 'AC456', verifyServiceSid: 'VA9' });
      expect(read.body.config.description).toBe('renamed');
      const [after] = await t.query('SELECT twilio_token_ciphertext FROM sms_providers WHERE id = ?', [id]);
      expect(after.twilio_token_ciphertext).toBe(before.twilio_token_ciphertext);
    });

    it('answers 404 COMMAND-MUY0IFAf8O for an unknown id', async () => {
      expectZitadelError(await t.request('PUT', '/admin/v1/sms/twilio/404', { token: owner, body: { sid: 'x' } }), 404, 5, 'COMMAND-MUY0IFAf8O');
    });
  });

  describe('AddSMSProviderHTTP / UpdateSMSProviderHTTP', () => {
    it('adds an HTTP provider, returns its signing key once and stores it encrypted', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com/sms', description: 'relay' } });
      expect(added.status).toBe(200);
      expect(added.body.signingKey).toMatch(/^[\w-]{40,}$/);
      const rows = JSON.stringify(await t.query('SELECT * FROM sms_providers WHERE id = ?', [added.body.id]));
      expect(rows).not.toContain(added.body.signingKey);
      const read = await t.request('GET', `/admin/v1/sms/${added.body.id}`, { token: owner });
      expect(read.body.config.http).toEqual({ endpoint: 'https://relay.example.com/sms' });
      expect(read.text).not.toContain(added.body.signingKey);
    });

    it('updates the endpoint and rotates the signing key only when asked', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://a.example.com' } });
      const plain = await t.request('PUT', `/admin/v1/sms/http/${added.body.id}`, { token: owner, body: { endpoint: 'https://b.example.com' } });
      expect(plain.body).toEqual({ details: expect.objectContaining({ sequence: '2' }) });
      const rotated = await t.request('PUT', `/admin/v1/sms/http/${added.body.id}`, {
        token: owner,
        body: { endpoint: 'https://b.example.com', expirationSigningKey: '0s' },
      });
      expect(rotated.body.details.sequence).toBe('3');
      expect(rotated.body.signingKey).toMatch(/^[\w-]{40,}$/);
      expect(rotated.body.signingKey).not.toBe(added.body.signingKey);
    });

    it('refuses a non-URL endpoint and answers 404 COMMAND-6NW4I5Kqzj for a Twilio id', async () => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'not a url' } }), 400, 3);
      const twilio = await addTwilio();
      expectZitadelError(await t.request('PUT', `/admin/v1/sms/http/${twilio}`, { token: owner, body: { endpoint: 'https://x.example.com' } }), 404, 5, 'COMMAND-6NW4I5Kqzj');
    });
  });

  describe('Activate / Deactivate / Remove', () => {
    const state = async (id: string) => (await t.request('GET', `/admin/v1/sms/${id}`, { token: owner })).body.config.state;

    it('activates exactly one provider: activating another deactivates the previous one', async () => {
      const a = await addTwilio();
      const b = await addTwilio();
      const activated = await t.request('POST', `/admin/v1/sms/${a}/_activate`, { token: owner });
      expect(activated.status).toBe(200);
      expect(activated.body.details).toEqual({ sequence: '2', creationDate: expect.stringMatching(RFC3339), changeDate: expect.stringMatching(RFC3339), resourceOwner: expect.any(String) });
      expect(await state(a)).toBe('SMS_PROVIDER_CONFIG_ACTIVE');

      await t.request('POST', `/admin/v1/sms/${b}/_activate`, { token: owner, body: {} });
      expect(await state(a)).toBe('SMS_PROVIDER_CONFIG_INACTIVE');
      expect(await state(b)).toBe('SMS_PROVIDER_CONFIG_ACTIVE');
      const [{ active }] = await t.query('SELECT COUNT(*) AS active FROM sms_providers WHERE state = 1');
      expect(Number(active)).toBe(1);
    });

    it('refuses activating an active provider and deactivating an inactive one (400, code 9)', async () => {
      const id = await addTwilio();
      await t.request('POST', `/admin/v1/sms/${id}/_activate`, { token: owner });
      expectZitadelError(await t.request('POST', `/admin/v1/sms/${id}/_activate`, { token: owner }), 400, 9, 'COMMAND-B25GFeIvRi');
      const deactivated = await t.request('POST', `/admin/v1/sms/${id}/_deactivate`, { token: owner });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.details.sequence).toBe('3');
      expectZitadelError(await t.request('POST', `/admin/v1/sms/${id}/_deactivate`, { token: owner }), 400, 9, 'COMMAND-OSZAEkYvk7');
    });

    it('answers 404 with the id of each RPC for unknown providers', async () => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/1/_activate', { token: owner }), 404, 5, 'COMMAND-9ULtp9PH5E');
      expectZitadelError(await t.request('POST', '/admin/v1/sms/1/_deactivate', { token: owner }), 404, 5, 'COMMAND-La91dGNhbM');
      expectZitadelError(await t.request('DELETE', '/admin/v1/sms/1', { token: owner }), 404, 5, 'COMMAND-povEVHPCkV');
      expectZitadelError(await t.request('GET', '/admin/v1/sms/1', { token: owner }), 404, 5, 'QUERY-fn99w');
    });

    it('two concurrent activations leave exactly one provider active', async () => {
      const ids = await Promise.all(Array.from({ length: 6 }, () => addTwilio()));
      const responses = await Promise.all(ids.map((id) => t.request('POST', `/admin/v1/sms/${id}/_activate`, { token: owner })));
      expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
      const [{ active }] = await t.query('SELECT COUNT(*) AS active FROM sms_providers WHERE state = 1');
      expect(Number(active)).toBe(1);
    });

    it('removes a provider, active or not; it is gone afterwards', async () => {
      const id = await addTwilio();
      await t.request('POST', `/admin/v1/sms/${id}/_activate`, { token: owner });
      const removed = await t.request('DELETE', `/admin/v1/sms/${id}`, { token: owner });
      expect(removed.status).toBe(200);
      expect(removed.body.details.sequence).toBe('3');
      expectZitadelError(await t.request('GET', `/admin/v1/sms/${id}`, { token: owner }), 404, 5);
      const log = await t.query('SELECT event_type, sequence, editor FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((row) => [row.event_type, String(row.sequence), row.editor])).toEqual([
        ['sms_provider.twilio.added', '1', 'admin-user'],
        ['sms_provider.activated', '2', 'admin-user'],
        ['sms_provider.removed', '3', 'admin-user'],
      ]);
    });

    it('needs iam.write for every change', async () => {
      const id = await addTwilio();
      for (const [method, path] of [
        ['POST', `/admin/v1/sms/${id}/_activate`],
        ['POST', `/admin/v1/sms/${id}/_deactivate`],
        ['DELETE', `/admin/v1/sms/${id}`],
        ['PUT', `/admin/v1/sms/twilio/${id}`],
        ['POST', '/admin/v1/sms/twilio'],
        ['POST', '/admin/v1/sms/http'],
      ]) {
        expectZitadelError(await t.request(method, path, { token: viewer, body: {} }), 403, 7, 'AUTH-5mWD2');
      }
    });
  });

  describe('GetSMSProvider / ListSMSProviders', () => {
    it('lists with offset, limit, asc and the total', async () => {
      const fresh = await TestApp.start();
      try {
        const token = await fresh.issuer.owner();
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await fresh.request('POST', '/admin/v1/sms/twilio', { token, body: { sid: `AC${i}`, token: 't' } });
          ids.push(r.body.id);
        }
        const asc = await fresh.request('POST', '/admin/v1/sms/_search', { token, body: { query: { offset: '1', limit: 1, asc: true } } });
        expect(asc.status).toBe(200);
        expect(asc.body.details).toEqual({ totalResult: '3', viewTimestamp: expect.stringMatching(RFC3339) });
        expect(asc.body.result.map((p: { id: string }) => p.id)).toEqual([ids[1]]);

        const desc = await fresh.request('POST', '/admin/v1/sms/_search', { token });
        expect(desc.body.result.map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
        expect(desc.body.result[0]).toEqual(expect.objectContaining({ state: 'SMS_PROVIDER_CONFIG_INACTIVE', twilio: { sid: 'AC2' } }));

        const viewerToken = await fresh.issuer.token({ roles: { IAM_OWNER_VIEWER: ['x'] } });
        expect((await fresh.request('POST', '/admin/v1/sms/_search', { token: viewerToken, body: {} })).status).toBe(200);
      } finally {
        await fresh.close();
      }
    });

    it('refuses a limit over 1000 and a malformed query', async () => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: { query: { limit: 1001 } } }), 400, 3, 'QUERY-4M0fs');
      expectZitadelError(await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: { query: { offset: -1 } } }), 400, 3);
      expectZitadelError(await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: { query: 'all' } }), 400, 3);
    });

    it('reading needs iam.read', async () => {
      expectZitadelError(await t.request('POST', '/admin/v1/sms/_search', { token: orgOwner, body: {} }), 403, 7, 'AUTH-5mWD2');
      expectZitadelError(await t.request('GET', '/admin/v1/sms/1', { token: orgOwner }), 403, 7, 'AUTH-5mWD2');
      expectZitadelError(await t.request('GET', '/admin/v1/sms/1'), 401, 16);
    });

    it('refuses a GetSMSProvider id over 100 characters', async () => {
      expectZitadelError(await t.request('GET', `/admin/v1/sms/${'1'.repeat(101)}`, { token: owner }), 400, 3);
    });

    it('routes as it always did: a trailing slash and the letter case of the path are ignored, a long id is the handler\'s to refuse', async () => {
      const id = await addTwilio();
      const plain = await t.request('GET', `/admin/v1/sms/${id}`, { token: owner });
      expect(plain.status).toBe(200);
      for (const path of [`/admin/v1/sms/${id}/`, `/ADMIN/v1/Sms/${id}`]) {
        const response = await t.request('GET', path, { token: owner });
        expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 200, body: plain.body });
      }
      // Fastify's router would answer 404 for a parameter over 100 characters; the API's rule answers 400 with ZITADEL's id.
      expectZitadelError(await t.request('GET', `/admin/v1/sms/${'1'.repeat(1_000)}`, { token: owner }), 400, 3);
      expectZitadelError(await t.request('GET', '/admin/v1/sms/%E0%A4%A', { token: owner }), 400, 3, 'GATEWAY-BadRequest');
    });
  });

  it('keeps every change of one provider when many run at once (no lost update)', async () => {
    const id = await addTwilio();
    const rotations = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.request('PUT', `/admin/v1/sms/twilio/${id}/token`, { token: owner, body: { token: `t${i}` } })),
    );
    expect(rotations.every((r) => r.status === 200)).toBe(true);
    expect(rotations.map((r) => Number(r.body.details.sequence)).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const [row] = await t.query('SELECT sequence FROM sms_providers WHERE id = ?', [id]);
    expect(String(row.sequence)).toBe('9');
  });
});
