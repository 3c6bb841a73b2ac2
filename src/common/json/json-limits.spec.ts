import { ZitadelError } from '../errors/zitadel-error';
import { boundedRequest, canonicalJson, jsonDepth } from './json-limits';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('JSON limits', () => {
  it('measures depth', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth(nested(64))).toBe(64);
  });

  it('measures a million levels without overflowing the stack', () => {
    expect(jsonDepth(nested(1_000_000), 200)).toBeGreaterThan(200);
    expect(() => boundedRequest(nested(1_000_000))).toThrow(ZitadelError);
    expect(boundedRequest(nested(100))).toBeDefined();
  });

  it('refuses text with an unpaired surrogate anywhere, keys included, and keeps real pairs', () => {
    const refusal = (value: unknown) => {
      try {
        boundedRequest(value);
      } catch (error) {
        return (error as ZitadelError).id;
      }
      return undefined;
    };
    expect(refusal({ description: 'ok \u{1F642} 🙂 ünï' })).toBeUndefined();
    expect(refusal({ description: 'half \uD83D' })).toBe('GATEWAY-Utf8');
    expect(refusal({ data: { list: [1, { deep: '\uDE42 low first' }] } })).toBe('GATEWAY-Utf8');
    expect(refusal({ data: { ['key\uD800']: 1 } })).toBe('GATEWAY-Utf8');
    expect(refusal({ data: Array.from({ length: 300_000 }, () => 'x') })).toBeUndefined();
    expect(refusal({ data: { a: { constructor: 'x' } } })).toBe('GATEWAY-ReservedKey');
    expect(refusal(JSON.parse('{"data": {"__proto__": {"admin": true}}}'))).toBe('GATEWAY-ReservedKey');
    expect(refusal({ data: { constructorName: 'x', proto: 1 } })).toBeUndefined();
  });

  it('compares content regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 2, y: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});
