import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isUrl, MAX_PATTERN_LENGTH, patternProblem } from './schema-regexp';

const ajvFormatsUrl = fullFormats.url as RegExp;

describe('schema regular expressions', () => {
  it('accepts what RE2 compiles and explains what it does not', () => {
    expect(patternProblem('^[a-z]{2,8}\\d*$')).toBeUndefined();
    expect(patternProblem('^\\p{L}+$')).toBeUndefined();
    expect(patternProblem('(?=a)')).toContain('RE2 syntax');
    expect(patternProblem('(a)\\1')).toContain('RE2 syntax');
    expect(patternProblem('(?<!a)b')).toContain('RE2 syntax');
    expect(patternProblem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toContain(`longer than ${MAX_PATTERN_LENGTH}`);
  });

  describe('format "url"', () => {
    it.each([
      'http://example.com',
      'https://user:pw@example.com:8080/a/b?c=d#e',
      'ftp://xn--bcher-kva.example',
      'http://bücher.example/ä',
      'http://8.8.8.8',
      'http://10.1.2.3',
      'http://127.0.0.1:3000',
      'http://169.254.1.1',
      'http://169.25.4.1',
      'http://172.16.0.1',
      'http://172.32.0.1',
      'http://172.160.1.1',
      'http://192.168.1.1',
      'http://192.169.1.1',
      'http://100.1.2.3',
      'http://223.255.255.254',
      'http://224.1.1.1',
      'http://1.2.3.255',
      'http://a@b@example.com',
      'http://example',
      'http://-example.com',
      'http://exa mple.com',
      'http://example.com/\u00a0',
      'mailto:a@example.com',
      'HTTP://EXAMPLE.COM',
    ])('decides %s as ajv-formats does', (value) => {
      expect(isUrl(value)).toBe(ajvFormatsUrl.test(value));
    });

    it('decides generated URL-like strings as ajv-formats does', () => {
      const piece = fc.constantFrom('http://', 'https://', 'ftp://', 'a', 'b-', '.', '.com', ':', '@', '/', '1', '10', '127', '169', '254', '172', '16', '31', '192', '168', '0', ' ', '\u00a0', 'é', '#', '?', 'x:y@');
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
          const value = parts.join('');
          expect(isUrl(value)).toBe(ajvFormatsUrl.test(value));
        }),
        { numRuns: 3000 },
      );
    });

    it('decides dotted quads (private ranges included) as ajv-formats does', () => {
      const octet = fc.oneof(fc.integer({ min: 0, max: 299 }).map(String), fc.constantFrom('00', '01', '016', '10', '127', '169', '172', '192', '254', '168'));
      fc.assert(
        fc.property(fc.tuple(octet, octet, octet, octet), fc.constantFrom('', ':80', '/x', ':1'), (quad, tail) => {
          const value = `http://${quad.join('.')}${tail}`;
          expect(isUrl(value)).toBe(ajvFormatsUrl.test(value));
        }),
        { numRuns: 5000 },
      );
    });
  });
});
