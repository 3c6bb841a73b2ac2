import { IssuerKeys, KeySet } from './issuer-keys';
import { IssuerUnreachableError, UnknownSigningKeyError } from './trusted-issuer';

const MINUTE = 60_000;

function issuer(initial: Record<string, string>) {
  const state = { keys: initial, down: false, fetches: 0, clock: 0 };
  const keys = new IssuerKeys(
    async () => {
      state.fetches += 1;
      if (state.down) throw new Error('connection refused');
      return new Map(Object.entries(state.keys)) as KeySet;
    },
    { maxAgeMs: 10 * MINUTE, minIntervalMs: 6_000, now: () => state.clock },
  );
  return { state, keys };
}

describe('IssuerKeys', () => {
  it('fetches once and then serves known keys from memory', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    expect(await keys.publicKeyFor('a')).toBe('PEM-A');
    expect(await keys.publicKeyFor('a')).toBe('PEM-A');
    expect(state.fetches).toBe(1);
  });

  it('keeps accepting a known key after made-up key ids used up the fetches, also once the keys are old', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    await keys.publicKeyFor('a');
    for (let i = 0; i < 50; i++) await expect(keys.publicKeyFor(`made-up-${i}`)).rejects.toBeInstanceOf(UnknownSigningKeyError);
    state.clock += 11 * MINUTE;
    for (let i = 0; i < 50; i++) await expect(keys.publicKeyFor(`made-up-again-${i}`)).rejects.toBeInstanceOf(UnknownSigningKeyError);
    expect(await keys.publicKeyFor('a')).toBe('PEM-A');
    // One fetch per interval at most: the first, one for the first made-up id after 11 minutes.
    expect(state.fetches).toBe(2);
  });

  it('learns a rotated key: an unknown key id fetches again, at most once per interval', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    await keys.publicKeyFor('a');
    state.keys = { a: 'PEM-A', b: 'PEM-B' };
    await expect(keys.publicKeyFor('b')).rejects.toBeInstanceOf(UnknownSigningKeyError);
    state.clock += 6_000;
    expect(await keys.publicKeyFor('b')).toBe('PEM-B');
    expect(state.fetches).toBe(2);
  });

  it('forgets a key the issuer stopped publishing once the keys are refreshed', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    await keys.publicKeyFor('a');
    state.keys = { b: 'PEM-B' };
    state.clock += 10 * MINUTE;
    await expect(keys.publicKeyFor('a')).rejects.toBeInstanceOf(UnknownSigningKeyError);
  });

  it('answers unreachable while it has no keys and the issuer is down; keeps the last keys when it goes down later', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    state.down = true;
    await expect(keys.publicKeyFor('a')).rejects.toBeInstanceOf(IssuerUnreachableError);
    await expect(keys.publicKeyFor('a')).rejects.toBeInstanceOf(IssuerUnreachableError);
    state.down = false;
    state.clock += 6_000;
    expect(await keys.publicKeyFor('a')).toBe('PEM-A');
    state.down = true;
    state.clock += 11 * MINUTE;
    expect(await keys.publicKeyFor('a')).toBe('PEM-A');
  });

  it('fetches once for many concurrent look-ups', async () => {
    const { state, keys } = issuer({ a: 'PEM-A' });
    expect(await Promise.all(Array.from({ length: 20 }, () => keys.publicKeyFor('a')))).toEqual(Array(20).fill('PEM-A'));
    expect(state.fetches).toBe(1);
  });

  it('takes the only key for a token without a key id', async () => {
    const { keys } = issuer({ a: 'PEM-A' });
    expect(await keys.publicKeyFor(undefined)).toBe('PEM-A');
  });
});
