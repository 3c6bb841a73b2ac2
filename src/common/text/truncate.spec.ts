import { truncateText, wellFormedText } from './truncate';

describe('truncateText', () => {
  it('leaves short text alone and cuts long text to the limit', () => {
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abcdef', 4)).toBe('abcd');
    expect(truncateText('abcdef', 5, '...')).toBe('ab...');
  });

  it('never ends on half of a surrogate pair', () => {
    const cut = truncateText('ab🙂cd', 3);
    expect(cut).toBe('ab');
    expect(() => encodeURI(cut)).not.toThrow();
    expect(truncateText('ab🙂cd', 4)).toBe('ab🙂');
  });
});

describe('wellFormedText', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormedText('a\ud83db🙂\ude42')).toBe('a\ufffdb🙂\ufffd');
    expect(() => encodeURI(wellFormedText('x\ud800'))).not.toThrow();
  });
});
