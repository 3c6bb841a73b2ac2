import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { failedPrecondition, invalidArgument } from '../../common/errors/zitadel-error';
import { recordChange } from '../../common/persistence/aggregate';
import { UnitOfWork } from '../../common/persistence/unit-of-work';
import { Clock } from '../../common/time/clock';
import { validateRequest } from '../../common/validation/validate-request';
import { InstanceContext } from '../../database/database.module';
import { Principal } from '../auth/principal';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { ContactChange, Verification, emailChange, emailVerification, needsTrust, phoneChange } from './contact-rules';
import {
  ResendContactEmailCodeRequest,
  ResendContactPhoneCodeRequest,
  SetContactEmailRequest,
  SetContactPhoneRequest,
  UserIdRequest,
  VerifyContactEmailRequest,
  VerifyContactPhoneRequest,
} from './dto/user-requests.dto';
import { UserDetailsResponse, VerificationCodeResponse } from './dto/user-responses.dto';
import { requestedOrganization, requireTrustedVerification, visibleUser, writerRole } from './user-access';
import { UserEntity } from './user.entity';
import { userChangeDetails } from './user.mapper';
import { UserRepository } from './user.repository';
import { VerificationCodeEntity } from './verification-code.entity';
import { VerificationCodeRepository } from './verification-code.repository';
import { CODE_TTL_MS, CodeChannel, MAX_FAILED_ATTEMPTS, VerificationCodeHasher, generateCode } from './verification-codes';

export const USER_AGGREGATE = 'user';

const CHANNELS = {
  email: { outbox: 'email', purpose: 'verify_email', resendWithoutCode: 'COMMAND-QRkNTBwF8q' },
  phone: { outbox: 'sms', purpose: 'verify_phone', resendWithoutCode: 'COMMAND-fEsHdqECzb' },
} as const;

/** The outcome of applying one contact change to a locked user. */
export interface ContactOutcome {
  changed: boolean;
  /** The plain code, only when the caller asked for it (returnCode). */
  returnedCode?: string;
  /** For the change log: never the code. */
  payload?: { address?: string; number?: string; verified: boolean };
}

/**
 * Contact email and phone of v3alpha users and their verification codes: set
 * (SetContactEmail/Phone and the contact part of Create/PatchUser), verify and
 * resend. Codes are made, hashed and checked here (see verification-codes.ts);
 * sending is a row in the notifications outbox, written in the same
 * transaction, so nothing here waits for Redis, SMTP or Twilio.
 */
@Injectable()
export class UserContactsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UserRepository,
    private readonly codes: VerificationCodeRepository,
    private readonly hasher: VerificationCodeHasher,
    private readonly outbox: NotificationOutbox,
    private readonly instance: InstanceContext,
    private readonly clock: Clock,
  ) {}

  setEmail(caller: Principal, input: unknown): Promise<VerificationCodeResponse> {
    const request = validateRequest(SetContactEmailRequest, input);
    return this.set(caller, request, emailChange(request.email));
  }

  setPhone(caller: Principal, input: unknown): Promise<VerificationCodeResponse> {
    const request = validateRequest(SetContactPhoneRequest, input);
    return this.set(caller, request, phoneChange(request.phone));
  }

  verifyEmail(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(VerifyContactEmailRequest, input);
    return this.verify(caller, request, 'email', request.verificationCode);
  }

  verifyPhone(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(VerifyContactPhoneRequest, input);
    return this.verify(caller, request, 'phone', request.verificationCode);
  }

  resendEmailCode(caller: Principal, input: unknown): Promise<VerificationCodeResponse> {
    const request = validateRequest(ResendContactEmailCodeRequest, input);
    return this.resend(caller, request, 'email', emailVerification(request));
  }

  resendPhoneCode(caller: Principal, input: unknown): Promise<VerificationCodeResponse> {
    const request = validateRequest(ResendContactPhoneCodeRequest, input);
    return this.resend(caller, request, 'phone', request.returnCode ? { kind: 'return' } : { kind: 'send' });
  }

  /**
   * Applies a new address or number to a locked (or new) user (§7.3): the
   * stored value again changes nothing, not even with isVerified; otherwise
   * the value changes, verification resets, the pending code goes, and the
   * verification option decides what follows. The caller records the change.
   */
  async apply(em: EntityManager, caller: Principal, user: UserEntity, change: ContactChange, now: Date): Promise<ContactOutcome> {
    if (contactOf(user, change.channel) === change.value) return { changed: false };
    const verified = change.verification.kind === 'verified';
    if (change.channel === 'email') {
      user.emailAddress = change.value;
      user.emailVerified = verified;
    } else {
      user.phoneNumber = change.value;
      user.phoneVerified = verified;
    }
    const payload = change.channel === 'email' ? { address: change.value, verified } : { number: change.value, verified };
    if (verified) {
      await this.codes.delete(em, user.id, change.channel);
      return { changed: true, payload };
    }
    // issueCode replaces the pending code.
    const code = await this.issueCode(em, caller, user, change.channel, change.verification, now);
    return { changed: true, payload, returnedCode: change.verification.kind === 'return' ? code : undefined };
  }

  private async set(caller: Principal, request: UserIdRequest, change: ContactChange): Promise<VerificationCodeResponse> {
    return this.unitOfWork.run(async (em) => {
      const user = await this.lockUser(em, caller, request);
      writerRole(caller, user);
      if (needsTrust(change.verification)) requireTrustedVerification(caller, user.organizationId);
      const now = this.clock.now();
      const outcome = await this.apply(em, caller, user, change, now);
      if (!outcome.changed) return { details: userChangeDetails(user) };
      await this.record(em, user, caller, now, `user.${change.channel}.changed`, { [change.channel]: outcome.payload });
      await this.users.save(em, user);
      return withCode({ details: userChangeDetails(user) }, 'verificationCode', outcome.returnedCode);
    });
  }

  /**
   * Checks a code. A wrong code counts as a failed attempt, and that count is
   * committed before the error is answered (a rollback would undo it and
   * allow unlimited guessing); from the fifth failure on even the right code
   * is refused until a new one is sent.
   */
  private async verify(caller: Principal, request: UserIdRequest, channel: CodeChannel, candidate: string): Promise<UserDetailsResponse> {
    const outcome = await this.unitOfWork.run(async (em): Promise<{ response: UserDetailsResponse } | { wrongCode: true }> => {
      const user = await this.lockUser(em, caller, request);
      writerRole(caller, user);
      const code = await this.codes.find(em, user.id, channel);
      // Nothing pending (never sent, or verified already): 200 and no change, as in ZITADEL.
      if (!code) return { response: { details: userChangeDetails(user) } };
      const now = this.clock.now();
      if (now.getTime() >= code.expiresAt.getTime()) throw failedPrecondition('CODE-QvUQ4P', 'verification code expired');
      if (code.failedAttempts >= MAX_FAILED_ATTEMPTS) {
        throw invalidArgument('CODE-woT0xcMax', 'too many wrong attempts: request a new verification code');
      }
      const recipient = contactOf(user, channel) ?? '';
      if (!code.codeHash || !this.hasher.matches({ userId: user.id, channel, recipient }, candidate, code.codeHash)) {
        await this.codes.countFailedAttempt(em, code);
        return { wrongCode: true };
      }
      if (channel === 'email') user.emailVerified = true;
      else user.phoneVerified = true;
      await this.codes.delete(em, user.id, channel);
      await this.record(em, user, caller, now, `user.${channel}.verified`);
      await this.users.save(em, user);
      return { response: { details: userChangeDetails(user) } };
    });
    if ('wrongCode' in outcome) throw invalidArgument('CODE-woT0xc', 'verification code is invalid');
    return outcome.response;
  }

  /** A new code in place of the pending one (which must exist); always a change, as in ZITADEL. */
  private async resend(caller: Principal, request: UserIdRequest, channel: CodeChannel, verification: Verification): Promise<VerificationCodeResponse> {
    return this.unitOfWork.run(async (em) => {
      const user = await this.lockUser(em, caller, request);
      writerRole(caller, user);
      if (needsTrust(verification)) requireTrustedVerification(caller, user.organizationId);
      const pending = await this.codes.find(em, user.id, channel);
      if (!pending || !contactOf(user, channel)) {
        throw failedPrecondition(CHANNELS[channel].resendWithoutCode, 'no verification code is pending');
      }
      const now = this.clock.now();
      const code = await this.issueCode(em, caller, user, channel, verification, now);
      await this.record(em, user, caller, now, `user.${channel}.code.resent`);
      await this.users.save(em, user);
      return withCode({ details: userChangeDetails(user) }, 'verificationCode', verification.kind === 'return' ? code : undefined);
    });
  }

  /** Stores the hash of a fresh code (replacing any other) and, for sendCode, queues its delivery. */
  private async issueCode(em: EntityManager, caller: Principal, user: UserEntity, channel: CodeChannel, verification: Verification, now: Date): Promise<string> {
    const recipient = contactOf(user, channel)!;
    const code = generateCode();
    const row = new VerificationCodeEntity();
    row.userId = user.id;
    row.channel = channel;
    row.generator = 'local';
    row.codeHash = this.hasher.hash({ userId: user.id, channel, recipient }, code);
    row.expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    row.failedAttempts = 0;
    row.createdAt = now;
    await this.codes.replace(em, row);
    if (verification.kind === 'send') {
      await this.outbox.enqueue(em, {
        channel: CHANNELS[channel].outbox,
        purpose: CHANNELS[channel].purpose,
        recipient,
        userId: user.id,
        organizationId: user.organizationId,
        callerId: caller.subject,
        code,
        urlTemplate: verification.urlTemplate,
        expiresAt: row.expiresAt,
      });
    }
    return code;
  }

  private async lockUser(em: EntityManager, caller: Principal, request: UserIdRequest): Promise<UserEntity> {
    const organizationId = requestedOrganization(request.organization);
    return visibleUser(caller, await this.users.findForUpdate(em, this.instance.instanceId, request.id), organizationId);
  }

  private record(em: EntityManager, user: UserEntity, caller: Principal, at: Date, eventType: string, payload?: Record<string, unknown>): Promise<void> {
    return recordChange(em, user, user.organizationId, caller.subject, at, { aggregateType: USER_AGGREGATE, eventType, payload });
  }
}

export function contactOf(user: UserEntity, channel: CodeChannel): string | null {
  return channel === 'email' ? user.emailAddress : user.phoneNumber;
}

/** Adds an optional string field only when it has a value (protojson leaves unset optionals out). */
export function withCode<T extends object, K extends string>(response: T, field: K, code: string | undefined): T & Partial<Record<K, string>> {
  return code === undefined ? response : { ...response, [field]: code };
}
