import { hkdfSync, createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Email and phone verification codes, stricter than ZITADEL's defaults
 * (following OWASP ASVS V2.7; README, "Users and user schemas"): 6 characters of A–Z and
 * 0–9 drawn uniformly from a CSPRNG, stored only as an HMAC-SHA256 under a key
 * derived from MASTER_KEY, valid 10 minutes, single use, dead after 5 wrong
 * attempts.
 */
export const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const CODE_LENGTH = 6;
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_FAILED_ATTEMPTS = 5;

export type CodeChannel = 'email' | 'phone';

/** What a code is bound to: a code for one user's address cannot verify another. */
export interface CodeBinding {
  userId: string;
  channel: CodeChannel;
  /** The address or number the code was sent to. */
  recipient: string;
}

/**
 * A new code. `randomInt` draws by rejection sampling, so every character is
 * equally likely (no modulo bias).
 */
export function generateCode(draw: (max: number) => number = (max) => randomInt(max)): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[draw(CODE_ALPHABET.length)];
  return code;
}

export class VerificationCodeHasher {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    // A key of its own, so that the code hashes reveal nothing about the
    // encryption key of stored secrets, and vice versa.
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.alloc(0), 'verification-codes', 32));
  }

  /** Hex HMAC-SHA256 of the code and what it is bound to. */
  hash(binding: CodeBinding, code: string): string {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([binding.userId, binding.channel, binding.recipient, code]))
      .digest('hex');
  }

  /** Compares in constant time (the stored hash and the candidate's have the same length). */
  matches(binding: CodeBinding, candidate: string, storedHash: string): boolean {
    const expected = Buffer.from(storedHash, 'hex');
    const actual = Buffer.from(this.hash(binding, candidate), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
