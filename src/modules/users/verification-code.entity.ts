import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CodeChannel } from './verification-codes';

/**
 * The pending verification code of one user's email or phone (at most one per
 * channel: a new code replaces the old one). Only its keyed hash is stored.
 */
@Entity({ name: 'verification_codes' })
export class VerificationCodeEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 200 })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  channel: CodeChannel;

  /** Who made the code: 'local' here; a provider (Twilio Verify) makes and checks its own. */
  @Column({ type: 'varchar', length: 40 })
  generator: string;

  /** Hex HMAC-SHA256 (see VerificationCodeHasher); null when the generator keeps the code. */
  @Column({ name: 'code_hash', type: 'varchar', length: 64, nullable: true })
  codeHash: string | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'failed_attempts', type: 'int', unsigned: true })
  failedAttempts: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
