import { ZitadelError } from '../errors/zitadel-error';
import { parseJsonBody } from './json-body-parser';

function refusalId(contentType: string | undefined, encoding: string | undefined, text: string): string {
  try {
    parseJsonBody(contentType, encoding, text);
  } catch (error) {
    if (error instanceof ZitadelError) return error.id;
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('parseJsonBody', () => {
  it('reads any JSON value of a JSON content type, with or without a UTF-8 charset', () => {
    expect(parseJsonBody('application/json', undefined, '{"a":[1,null]}')).toEqual({ a: [1, null] });
    expect(parseJsonBody('application/json; charset=UTF-8', 'identity', '"123456"')).toBe('123456');
    expect(parseJsonBody('application/merge-patch+json', undefined, '7')).toBe(7);
  });

  it('takes an empty body as no body', () => {
    expect(parseJsonBody('application/json', undefined, '')).toBeUndefined();
  });

  it('refuses other content types, charsets and codings, and malformed JSON', () => {
    expect(refusalId(undefined, undefined, '{}')).toBe('GATEWAY-ContentType');
    expect(refusalId('text/plain', undefined, '{}')).toBe('GATEWAY-ContentType');
    expect(refusalId('application/jsonx', undefined, '{}')).toBe('GATEWAY-ContentType');
    expect(refusalId('application/json; charset=latin1', undefined, '{}')).toBe('GATEWAY-Encoding');
    expect(refusalId('application/json', 'gzip', '{}')).toBe('GATEWAY-Encoding');
    expect(refusalId('application/json', undefined, '{"a":')).toBe('GATEWAY-MalformedJSON');
    expect(refusalId('application/json', undefined, '  ')).toBe('GATEWAY-MalformedJSON');
  });
});
