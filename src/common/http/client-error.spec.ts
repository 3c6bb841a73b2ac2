import { clientErrorAnswer } from './client-error';

describe('clientErrorAnswer', () => {
  it('answers oversized headers with 431 and RESOURCE_EXHAUSTED, a timeout with 408, anything else with 400', () => {
    expect(clientErrorAnswer('HPE_HEADER_OVERFLOW')).toMatchObject({ status: 431, error: { code: 8, id: 'GATEWAY-HeadersTooLarge' } });
    expect(clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({ status: 408, error: { code: 4 } });
    expect(clientErrorAnswer('HPE_INVALID_METHOD')).toMatchObject({ status: 400, error: { code: 3 } });
    expect(clientErrorAnswer(undefined)).toMatchObject({ status: 400, error: { code: 3 } });
  });
});
