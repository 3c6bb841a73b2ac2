import type { OpenAPIObject } from '@nestjs/swagger';
import { RestRpcNames } from './rest-rpc-names';

const document = {
  paths: {
    '/admin/v1/sms/{id}': { get: { operationId: 'GetSMSProvider' }, delete: { operationId: 'RemoveSMSProvider' } },
    '/admin/v1/sms/twilio': { post: { operationId: 'AddSMSProviderTwilio' } },
    '/admin/v1/sms/{id}/_activate': { post: { operationId: 'ActivateSMSProvider' } },
    '/admin/v1/sms/twilio/{id}/token': { put: { operationId: 'UpdateSMSProviderTwilioToken' } },
  },
} as unknown as OpenAPIObject;

describe('RestRpcNames', () => {
  const names = new RestRpcNames();
  names.learn(document);

  it('names a routed call by its operationId', () => {
    expect(names.nameOf('PUT', '/admin/v1/sms/twilio/:id/token', '/admin/v1/sms/twilio/1/token')).toBe('UpdateSMSProviderTwilioToken');
    expect(names.nameOf('DELETE', '/admin/v1/sms/:id', '/admin/v1/sms/1')).toBe('RemoveSMSProvider');
  });

  it('names a call refused before routing by its path, literal segments first', () => {
    expect(names.nameOf('PUT', '{/*splat}', '/admin/v1/sms/twilio/1/token?x=1')).toBe('UpdateSMSProviderTwilioToken');
    expect(names.nameOf('POST', undefined, '/admin/v1/sms/twilio')).toBe('AddSMSProviderTwilio');
    expect(names.nameOf('POST', undefined, '/admin/v1/sms/1/_activate')).toBe('ActivateSMSProvider');
  });

  it('never turns an unknown path or method into a label', () => {
    expect(names.nameOf('GET', '{/*splat}', '/admin/v1/sms/twilio/1/token')).toBe('unmatched');
    expect(names.nameOf('GET', '{/*splat}', '/etc/passwd')).toBe('unmatched');
  });
});
