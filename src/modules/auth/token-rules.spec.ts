import { CLOCK_LEEWAY_SECONDS, MAX_SUBJECT_LENGTH, headerRefusal, subjectRefusal, timeClaimsRefusal } from './token-rules';

const NOW = 1_800_000_000;
const claims = (extra: Record<string, unknown>) => ({ sub: 'u1', iat: NOW, exp: NOW + 300, ...extra });

describe('token rules', () => {
  it('lets a usual header pass; refuses one with crit, whatever it lists, and what is not a header', () => {
    expect(headerRefusal({ alg: 'RS256', kid: 'k', typ: 'JWT' })).toBeUndefined();
    expect(headerRefusal({ alg: 'RS256', jku: 'https://evil.example.com/keys' })).toBeUndefined(); // ignored, never fetched
    for (const crit of [['b64'], ['x-custom'], [], 'b64']) expect(headerRefusal({ alg: 'RS256', b64: false, crit })?.id).toBe('APP-BxUSiL');
    expect(headerRefusal(null)?.code).toBe(16);
    expect(headerRefusal(undefined)?.code).toBe(16);
  });

  it('takes an iat up to the leeway ahead, and none at all', () => {
    expect(timeClaimsRefusal(claims({ iat: NOW + CLOCK_LEEWAY_SECONDS }), NOW)).toBeUndefined();
    expect(timeClaimsRefusal(claims({ iat: undefined }), NOW)).toBeUndefined();
    expect(timeClaimsRefusal(claims({ iat: NOW - 86_400 }), NOW)).toBeUndefined();
  });

  it('refuses an iat beyond the leeway and time claims that are not finite numbers', () => {
    expect(timeClaimsRefusal(claims({ iat: NOW + CLOCK_LEEWAY_SECONDS + 1 }), NOW)?.text).toBe('invalid token: issued in the future');
    for (const bad of ['yesterday', String(NOW), null, {}, [NOW], true, Number.POSITIVE_INFINITY]) {
      for (const claim of ['iat', 'exp', 'nbf']) expect(timeClaimsRefusal(claims({ [claim]: bad }), NOW)?.code).toBe(16);
    }
  });

  it('requires exp', () => {
    expect(timeClaimsRefusal(claims({ exp: undefined }), NOW)?.text).toBe('invalid token: exp is not a NumericDate');
  });

  it('takes a subject of 1 to 200 characters; refuses none, an empty one, a longer one and a non-string', () => {
    expect(subjectRefusal('u1')).toBeUndefined();
    expect(subjectRefusal('x'.repeat(MAX_SUBJECT_LENGTH))).toBeUndefined();
    expect(subjectRefusal('x'.repeat(MAX_SUBJECT_LENGTH + 1))?.text).toBe('invalid token: subject too long');
    for (const bad of [undefined, '', 42, ['u1']]) expect(subjectRefusal(bad)?.code).toBe(16);
  });
});
