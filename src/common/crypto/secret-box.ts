import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A secret as stored: ciphertext plus the id of the key that made it. */
export interface SealedSecret {
  /** base64 of nonce (12 bytes) | ciphertext | GCM tag (16 bytes). */
  ciphertext: string;
  keyId: string;
}

/**
 * AES-256-GCM for stored secrets (SMS provider tokens, signing keys, pending
 * codes in the outbox). A fresh 96-bit nonce per seal; the associated data
 * binds a ciphertext to its row and purpose, so copying it elsewhere fails.
 * The key id is stored beside each ciphertext so a later key rotation can tell
 * which key opens which row.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(masterKey: string, previousKeys: string[] = []) {
    this.currentKeyId = this.addKey(masterKey);
    for (const key of previousKeys) this.addKey(key);
  }

  static keyIdOf(key: Buffer): string {
    return 'mk1-' + createHash('sha256').update('secret-box key id').update(key).digest('hex').slice(0, 12);
  }

  seal(plaintext: string, associatedData: string): SealedSecret {
    const key = this.keys.get(this.currentKeyId)!;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      ciphertext: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'),
      keyId: this.currentKeyId,
    };
  }

  open(sealed: SealedSecret, associatedData: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`no key with id ${sealed.keyId} is configured`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }

  private addKey(masterKey: string): string {
    const key = Buffer.from(masterKey, 'utf8');
    if (key.length !== 32) throw new Error('a master key must be exactly 32 bytes');
    const id = SecretBox.keyIdOf(key);
    this.keys.set(id, key);
    return id;
  }
}
