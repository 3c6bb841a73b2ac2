import { DeliveryError, ProviderHttpError, classifyDeliveryError } from './delivery-error';

const kindOf = (error: unknown) => classifyDeliveryError(error).kind;
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('classifyDeliveryError', () => {
  it.each([429, 500, 502, 503, 504, 408])('retries Twilio HTTP %i', (status) => {
    expect(kindOf(new ProviderHttpError('Twilio', status, 'busy'))).toBe('transient');
  });

  it.each([20003, 21211, 21610, 21608, 60605])('stops at once on Twilio error %i', (code) => {
    expect(kindOf(new ProviderHttpError('Twilio', 400, 'no', code))).toBe('permanent');
  });

  it('stops on Twilio 20003 even though it comes with 401', () => {
    expect(classifyDeliveryError(new ProviderHttpError('Twilio', 401, 'Authenticate', 20003))).toEqual({
      kind: 'permanent',
      reason: 'Twilio HTTP 401 error 20003: Authenticate',
    });
  });

  it('retries a Twilio 5xx whatever code it carries, and stops on other 4xx', () => {
    expect(kindOf(new ProviderHttpError('Twilio', 503, 'unavailable', 20500))).toBe('transient');
    expect(kindOf(new ProviderHttpError('Twilio', 429, 'too many', 20429))).toBe('transient');
    expect(kindOf(new ProviderHttpError('Twilio', 400, 'bad', 21604))).toBe('permanent');
  });

  it('judges the HTTP provider by its status alone', () => {
    expect(kindOf(new ProviderHttpError('HTTP provider', 503, 'down'))).toBe('transient');
    expect(kindOf(new ProviderHttpError('HTTP provider', 429, 'slow down'))).toBe('transient');
    expect(kindOf(new ProviderHttpError('HTTP provider', 404, 'no such path'))).toBe('permanent');
    // Twilio's codes mean nothing for another provider.
    expect(kindOf(new ProviderHttpError('HTTP provider', 500, 'x', 21211))).toBe('transient');
  });

  it('stops on SMTP 5xx and retries SMTP 4xx', () => {
    expect(kindOf(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550, code: 'EENVELOPE' }))).toBe('permanent');
    expect(kindOf(Object.assign(new Error('535 auth failed'), { responseCode: 535, code: 'EAUTH' }))).toBe('permanent');
    expect(kindOf(Object.assign(new Error('451 try later'), { responseCode: 451, code: 'EENVELOPE' }))).toBe('transient');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ECONNECTION', 'ESOCKET'])('retries %s', (code) => {
    expect(kindOf(networkError(code))).toBe('transient');
  });

  it('retries timeouts and fetch failures whose cause is a network error', () => {
    expect(kindOf(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe('transient');
    expect(kindOf(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('transient');
  });

  it('keeps the kind a DeliveryError names', () => {
    expect(classifyDeliveryError(new DeliveryError('permanent', 'no code to send'))).toEqual({ kind: 'permanent', reason: 'no code to send' });
    expect(kindOf(new DeliveryError('transient', 'no active SMS provider'))).toBe('transient');
  });

  it('retries what it does not know, with a bounded reason', () => {
    const failure = classifyDeliveryError(new Error('x'.repeat(2000)));
    expect(failure.kind).toBe('transient');
    expect(failure.reason.length).toBeLessThanOrEqual(500);
  });
});
