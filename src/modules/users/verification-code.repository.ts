import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deferWrite, sqlDate } from '../../common/persistence/raw-sql';
import { VerificationCodeEntity } from './verification-code.entity';
import { CodeChannel } from './verification-codes';

/**
 * Every query on verification_codes. Callers hold the user's row lock, which
 * serialises all changes of that user's codes.
 */
@Injectable()
export class VerificationCodeRepository {
  find(em: EntityManager, userId: string, channel: CodeChannel): Promise<VerificationCodeEntity | null> {
    return em.findOne(VerificationCodeEntity, { where: { userId, channel } });
  }

  /** Puts a new code in place of any earlier one (a new code replaces the old); one statement in both dialects. */
  async replace(em: EntityManager, code: VerificationCodeEntity): Promise<void> {
    await deferWrite(
      em,
      'REPLACE INTO verification_codes (user_id, channel, generator, code_hash, expires_at, failed_attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [code.userId, code.channel, code.generator, code.codeHash, sqlDate(em, code.expiresAt), code.failedAttempts, sqlDate(em, code.createdAt)],
    );
  }

  async countFailedAttempt(em: EntityManager, code: VerificationCodeEntity): Promise<void> {
    code.failedAttempts += 1;
    await em.update(VerificationCodeEntity, { userId: code.userId, channel: code.channel }, { failedAttempts: code.failedAttempts });
  }

  async delete(em: EntityManager, userId: string, channel: CodeChannel): Promise<void> {
    await deferWrite(em, 'DELETE FROM verification_codes WHERE user_id = ? AND channel = ?', [userId, channel]);
  }

  async deleteAll(em: EntityManager, userId: string): Promise<void> {
    await em.delete(VerificationCodeEntity, { userId });
  }
}
