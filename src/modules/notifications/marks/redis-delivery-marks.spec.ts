import { parseSentMark, sentMarkKey } from './redis-delivery-marks';

describe('the delivery mark of a row', () => {
  it('is kept beside the queue’s own keys', () => {
    expect(sentMarkKey('idt', '42')).toBe('idt:notifications:sent:42');
  });

  it('reads a "sending" mark as an attempt in doubt at the provider it names', () => {
    expect(parseSentMark(JSON.stringify({ sending: true, attempts: 2, providerId: 'p7' }))).toEqual({ state: 'sending', attempts: 2, providerId: 'p7' });
  });

  it('reads a "sending" mark written before marks named their provider: the provider is unknown', () => {
    expect(parseSentMark(JSON.stringify({ sending: true, attempts: 2 }))).toEqual({ state: 'sending', attempts: 2, providerId: null });
  });

  it('reads the acceptance, also as written before "sending" marks existed', () => {
    expect(parseSentMark(JSON.stringify({ providerMessageId: 'SM1', providerId: 'p1', attempts: 1 }))).toEqual({
      state: 'accepted',
      providerMessageId: 'SM1',
      providerId: 'p1',
      attempts: 1,
    });
  });

  it('takes a value it cannot read for an acceptance: sending nothing is the safe side', () => {
    expect(parseSentMark('not json')).toEqual({ state: 'accepted', providerMessageId: null, providerId: null, attempts: 1 });
  });
});
