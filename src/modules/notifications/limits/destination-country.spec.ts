import { destinationAllowed, callingCodeOf } from './destination-country';

describe('destination country rule', () => {
  const allow = { kind: 'allow' as const, codes: new Set(['1', '44', '49']) };
  const deny = { kind: 'deny' as const, codes: new Set(['882', '236']) };

  it('reads the calling code of E.164 numbers, shared ones included', () => {
    expect(callingCodeOf('+41791234567')).toBe('41');
    expect(callingCodeOf('+12025550123')).toBe('1');
    expect(callingCodeOf('+18765550123')).toBe('1'); // Jamaica is in the North American plan: +1
    expect(callingCodeOf('+88216000000')).toBe('882');
    expect(callingCodeOf('not a number')).toBeUndefined();
  });

  it('lets only listed codes through an allow-list', () => {
    expect(destinationAllowed(allow, '+447700900123')).toBe(true);
    expect(destinationAllowed(allow, '+4915123456789')).toBe(true);
    expect(destinationAllowed(allow, '+41791234567')).toBe(false);
    expect(destinationAllowed(allow, 'garbage')).toBe(false);
  });

  it('stops listed codes of a deny-list and lets the rest through', () => {
    expect(destinationAllowed(deny, '+23670000000')).toBe(false);
    expect(destinationAllowed(deny, '+88216000000')).toBe(false);
    expect(destinationAllowed(deny, '+41791234567')).toBe(true);
    expect(destinationAllowed({ kind: 'any' }, '+23670000000')).toBe(true);
  });
});
