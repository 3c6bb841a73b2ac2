import { Injectable } from '@nestjs/common';
import { failedPrecondition, unavailable } from '../../../common/errors/zitadel-error';
import { ActiveSmsProvider } from './active-sms-provider';

/**
 * Twilio Verify for the users module: when the active
 * SMS provider is Twilio with a Verify service, Twilio makes, sends and
 * checks phone codes; this service stores none. The users module asks
 * `usesTwilioVerify()` before making a code, enqueues a notification without
 * a code (the worker then calls `start` through the queue), and calls `check`
 * for VerifyContactPhone instead of comparing a stored hash.
 */
@Injectable()
export class PhoneVerificationGateway {
  constructor(private readonly activeProvider: ActiveSmsProvider) {}

  async usesTwilioVerify(): Promise<boolean> {
    return (await this.activeProvider.twilioVerify()) !== null;
  }

  /** Starts a verification now (the queue normally does this; for callers that need it synchronously). */
  async start(phone: string): Promise<void> {
    const verify = await this.requireVerify();
    await verify.startVerification(phone).catch(() => {
      throw unavailable('NOTIFY-vfy5t4rt', 'the phone verification service is unavailable');
    });
  }

  /** True when Twilio approves `code` for `phone`; false for a wrong, expired or used code. */
  async check(phone: string, code: string): Promise<boolean> {
    const verify = await this.requireVerify();
    try {
      return await verify.checkVerification(phone, code);
    } catch {
      // The reason (network, Twilio outage, credentials) goes to no client: it may name internals.
      throw unavailable('NOTIFY-vfyCh3ck', 'the phone verification service is unavailable');
    }
  }

  private async requireVerify() {
    const verify = await this.activeProvider.twilioVerify();
    if (!verify) throw failedPrecondition('NOTIFY-vfyN0ne', 'no active SMS provider with Twilio Verify');
    return verify;
  }
}
