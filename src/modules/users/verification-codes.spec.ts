import { CODE_ALPHABET, CodeBinding, VerificationCodeHasher, generateCode } from './verification-codes';

const binding: CodeBinding = { userId: 'u1', channel: 'email', recipient: 'gigi@example.com' };

describe('verification codes', () => {
  it('are 6 characters of A-Z and 0-9', () => {
    for (let i = 0; i < 200; i++) expect(generateCode()).toMatch(/^[A-Z0-9]{6}$/);
  });

  it('draw every character uniformly from the whole alphabet', () => {
    const counts = new Map<string, number>();
    const samples = 36_000;
    for (let i = 0; i < samples / 6; i++) for (const c of generateCode()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
    // Chi-square with 35 degrees of freedom; 80 is far beyond the 99.99th percentile (~71).
    const expected = samples / CODE_ALPHABET.length;
    const chi = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(80);
  });

  it('ask the generator for indexes below the alphabet size (no modulo reduction)', () => {
    const bounds: number[] = [];
    expect(generateCode((max) => (bounds.push(max), max - 1))).toBe('999999');
    expect(new Set(bounds)).toEqual(new Set([36]));
  });

  it('are stored as a keyed hash that matches only the same code for the same binding', () => {
    const hasher = new VerificationCodeHasher('k'.repeat(32));
    const stored = hasher.hash(binding, 'ABC123');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain('ABC123');
    expect(hasher.matches(binding, 'ABC123', stored)).toBe(true);
    expect(hasher.matches(binding, 'abc123', stored)).toBe(false);
    expect(hasher.matches(binding, 'ABC124', stored)).toBe(false);
    expect(hasher.matches({ ...binding, recipient: 'other@example.com' }, 'ABC123', stored)).toBe(false);
    expect(hasher.matches({ ...binding, channel: 'phone' }, 'ABC123', stored)).toBe(false);
    expect(hasher.matches({ ...binding, userId: 'u2' }, 'ABC123', stored)).toBe(false);
  });

  it('depend on the master key', () => {
    const a = new VerificationCodeHasher('a'.repeat(32));
    const b = new VerificationCodeHasher('b'.repeat(32));
    expect(a.hash(binding, 'ABC123')).not.toBe(b.hash(binding, 'ABC123'));
    expect(b.matches(binding, 'ABC123', a.hash(binding, 'ABC123'))).toBe(false);
  });
});
