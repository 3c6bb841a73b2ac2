import { SecretBox } from './secret-box';

const KEY = 'k'.repeat(32);

describe('SecretBox', () => {
  it('opens what it sealed, with a fresh nonce each time', () => {
    const box = new SecretBox(KEY);
    const a = box.seal('twilio-token', 'sms:1:token');
    const b = box.seal('twilio-token', 'sms:1:token');
    expect(a.ciphertext).not.toEqual(b.ciphertext);
    expect(a.ciphertext).not.toContain('twilio-token');
    expect(box.open(a, 'sms:1:token')).toBe('twilio-token');
    expect(a.keyId).toBe(box.currentKeyId);
  });

  it('refuses a ciphertext moved to another row', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal('secret', 'sms:1:token');
    expect(() => box.open(sealed, 'sms:2:token')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal('secret', 'x');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[14] ^= 1;
    expect(() => box.open({ ...sealed, ciphertext: raw.toString('base64') }, 'x')).toThrow();
  });

  it('opens rows sealed with a previous key after rotation', () => {
    const old = new SecretBox(KEY);
    const sealed = old.seal('secret', 'x');
    const rotated = new SecretBox('n'.repeat(32), [KEY]);
    expect(rotated.currentKeyId).not.toBe(sealed.keyId);
    expect(rotated.open(sealed, 'x')).toBe('secret');
  });
});
