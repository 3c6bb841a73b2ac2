import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

  /** Puts a new code in place of any earlier one (a new code replaces the old). */
  async replace(em: EntityManager, code: VerificationCodeEntity): Promise<void> {
    await this.delete(em, code.userId, code.channel);
    await em.insert(VerificationCodeEntity, code);
  }

  async countFailedAttempt(em: EntityManager, code: VerificationCodeEntity): Promise<void> {
    code.failedAttempts += 1;
    await em.update(VerificationCodeEntity, { userId: code.userId, channel: code.channel }, { failedAttempts: code.failedAttempts });
  }

  async delete(em: EntityManager, userId: string, channel: CodeChannel): Promise<void> {
    await em.delete(VerificationCodeEntity, { userId, channel });
  }

  async deleteAll(em: EntityManager, userId: string): Promise<void> {
    await em.delete(VerificationCodeEntity, { userId });
  }
}
