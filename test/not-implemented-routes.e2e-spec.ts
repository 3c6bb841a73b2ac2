import { httpRulesOf, routePathOf } from '../src/grpc/http-rules';
import { zitadelApi } from '../src/grpc/zitadel-descriptors';
import { isHandledRpc } from '../src/grpc/zitadel-rpc.decorator';
import { TestApp, expectZitadelError } from './support/test-app';

/** A concrete path for a template: every variable filled with a harmless id. */
const pathOf = (template: string) => routePathOf(template).replace(/:\w+/g, '4711').replace(/\*/g, 'rest/of/path');

describe('HTTP rules of RPCs without a handler (REST)', () => {
  let t: TestApp;
  let owner: string;
  const rules = httpRulesOf(zitadelApi().services);

  beforeAll(async () => {
    t = await TestApp.start();
    owner = await t.issuer.owner();
  });
  afterAll(() => t.close());

  it('reads every HTTP rule of the served services from the descriptors, with the base path', () => {
    expect(rules.length).toBeGreaterThan(200);
    expect(rules).toEqual(
      expect.arrayContaining([
        { service: 'zitadel.admin.v1.AdminService', rpc: 'GetLoginPolicy', verb: 'GET', template: '/admin/v1/policies/login' },
        { service: 'zitadel.resources.user.v3alpha.ZITADELUsers', rpc: 'StartIdentityProviderIntent', verb: 'POST', template: '/resources/v3alpha/idp_intents' },
        { service: 'zitadel.admin.v1.AdminService', rpc: 'UpdateSMSProviderTwilioToken', verb: 'PUT', template: '/admin/v1/sms/twilio/{id}/token' },
      ]),
    );
  });

  it('answers 501 with code 12 and a stable id where ZITADEL has a route and this service no handler', async () => {
    const login = await t.request('GET', '/admin/v1/policies/login', { token: owner });
    expectZitadelError(login, 501, 12, 'GRPC-Unimplemented');
    expect(login.body.message).toBe('zitadel.admin.v1.AdminService/GetLoginPolicy is not implemented by this service (GRPC-Unimplemented)');
    expectZitadelError(await t.request('POST', '/resources/v3alpha/idp_intents', { token: owner, body: {} }), 501, 12, 'GRPC-Unimplemented');
    expectZitadelError(await t.request('GET', '/resources/v3alpha/idp_intents/4711', { token: owner }), 501, 12, 'GRPC-Unimplemented');
    expectZitadelError(await t.request('DELETE', '/resources/v3alpha/users/4711/username/12', { token: owner }), 501, 12, 'GRPC-Unimplemented');
    expectZitadelError(await t.request('POST', '/admin/v1/smtp/_search', { token: owner, body: {} }), 501, 12, 'GRPC-Unimplemented');
  });

  it('serves every rule: without a token 401 (the token is checked first, as ZITADEL does), never 404', async () => {
    const answers: string[] = [];
    for (const rule of rules) {
      const response = await t.request(rule.verb, pathOf(rule.template), rule.verb === 'GET' || rule.verb === 'DELETE' ? {} : { body: {} });
      if (response.status !== 401 || response.body.code !== 16) answers.push(`${rule.verb} ${rule.template}: ${response.status} ${response.body?.code}`);
    }
    expect(answers).toEqual([]);
  });

  it('with a token: 501 for every rule of an RPC without a handler, never for one with a handler', async () => {
    const wrong: string[] = [];
    for (const rule of rules) {
      const response = await t.request(rule.verb, pathOf(rule.template), rule.verb === 'GET' || rule.verb === 'DELETE' ? { token: owner } : { token: owner, body: {} });
      const answered501 = response.status === 501 && response.body.code === 12;
      if (answered501 === isHandledRpc(rule.service, rule.rpc)) wrong.push(`${rule.verb} ${rule.template}: ${response.status} ${response.body?.code}`);
    }
    expect(wrong).toEqual([]);
    expect(rules.filter((rule) => isHandledRpc(rule.service, rule.rpc)).length).toBe(32);
  });

  it('lists them in the OpenAPI document as not implemented (deprecated, their own tag), the implemented operations as before', async () => {
    const document = (await t.request('GET', '/docs/openapi.json')).body;
    const login = document.paths['/admin/v1/policies/login'].get;
    expect(login).toEqual(
      expect.objectContaining({ operationId: 'GetLoginPolicy', deprecated: true, tags: ['Not implemented'], summary: expect.stringMatching(/^Not implemented/) }),
    );
    expect(login.responses['501']).toBeDefined();
    expect(document.paths['/resources/v3alpha/idp_intents/{idp_intent_id}'].get.parameters).toEqual([expect.objectContaining({ name: 'idp_intent_id', in: 'path', required: true })]);
    const token = document.paths['/admin/v1/sms/twilio/{id}/token'].put;
    expect(token.operationId).toBe('UpdateSMSProviderTwilioToken');
    expect(token.deprecated).toBeUndefined();
    expect(token.tags).not.toContain('Not implemented');
    const listed = Object.values(document.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((item) => Object.values(item)).filter((op) => op.tags?.includes('Not implemented'));
    expect(listed.length).toBe(rules.filter((rule) => !isHandledRpc(rule.service, rule.rpc)).length);
  });

  it('keeps the implemented routes: literal segments and parameters of the SMS providers and users answer as before', async () => {
    expectZitadelError(await t.request('GET', '/admin/v1/sms/4711', { token: owner }), 404, 5);
    expect((await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: {} })).status).toBe(200);
    expectZitadelError(await t.request('GET', '/resources/v3alpha/users/4711', { token: owner }), 404, 5);
    expect((await t.request('POST', '/resources/v3alpha/users/_search', { token: owner, body: [] })).status).toBe(200);
    // A path no rule has stays 404 (also without a token).
    expectZitadelError(await t.request('GET', '/admin/v1/no/such/route'), 404, 5, 'GATEWAY-NotFound');
  });
});
