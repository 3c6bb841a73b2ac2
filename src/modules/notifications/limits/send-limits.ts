import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ZitadelError, resourceExhausted } from '../../../common/errors/zitadel-error';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { InstanceContext } from '../../../database/database.module';
import { MetricsService } from '../../../metrics/metrics.service';
import { NotificationChannel } from '../notification.entity';
import { destinationAllowed } from './destination-country';
import { SendLimitRepository } from './send-limit.repository';

/** Why a code was refused: the `reason` label of identity_notification_send_refusals_total. */
export type RefusalReason = 'number' | 'user' | 'caller' | 'instance' | 'country';

export interface SendRequest {
  channel: NotificationChannel;
  recipient: string;
  /** The user the code is for. */
  userId: string;
  /** The acting principal (the access token's `sub`). */
  callerId: string;
}

const TEN_MINUTES_MS = 10 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

/** The start of the clock hour `at` falls in: the hourly counters' window. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * Send limits against SMS pumping and mail bombing, checked inside the
 * transaction that asks for the code: per recipient (a cool-down and at most
 * so many in 10 minutes), per user, per caller and per instance (per clock
 * hour, across every process on the database), and for SMS the destination's
 * country calling code. A refusal is ResourceExhausted (429, gRPC 8) with an
 * id per reason, counted in /metrics; it rolls the caller's change back.
 */
@Injectable()
export class SendLimits {
  constructor(
    private readonly store: SendLimitRepository,
    private readonly instance: InstanceContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async check(em: EntityManager, request: SendRequest, now: Date): Promise<void> {
    const { channel } = request;
    const limit = this.config.notifications.limits[channel];
    const what = channel === 'sms' ? 'number' : 'address';
    if (channel === 'sms' && !destinationAllowed(this.config.notifications.smsCountries, request.recipient)) {
      throw this.refuse(channel, 'country', resourceExhausted('NOTIFY-c0untry', 'codes are not sent by SMS to this country calling code'));
    }
    const counts = await this.store.countWith(
      em,
      { ...request, instanceId: this.instance.instanceId },
      hourOf(now),
      new Date(now.getTime() - TEN_MINUTES_MS),
    );
    if (counts.recipientNewest && now.getTime() - counts.recipientNewest.getTime() < limit.resendCooldownSeconds * 1000) {
      throw this.refuse(channel, 'number', resourceExhausted('NOTIFY-c00ld0wn', `a code was sent to this ${what} moments ago; wait before asking for another`));
    }
    if (counts.recipientCount >= limit.codesPer10Minutes) {
      throw this.refuse(channel, 'number', resourceExhausted('NOTIFY-l1m1t10m', `too many codes for this ${what}; try again later`));
    }
    // The hourly counts include this code.
    if (counts.user > limit.perUserPerHour) {
      throw this.refuse(channel, 'user', resourceExhausted('NOTIFY-l1m1tUsr', 'too many codes for this user in this hour; try again later'));
    }
    if (counts.caller > limit.perCallerPerHour) {
      throw this.refuse(channel, 'caller', resourceExhausted('NOTIFY-l1m1tCllr', 'too many codes asked for by this caller in this hour; try again later'));
    }
    if (counts.instance > limit.perInstancePerHour) {
      throw this.refuse(channel, 'instance', resourceExhausted('NOTIFY-l1m1tInst', `the service sends no more ${channel === 'sms' ? 'SMS' : 'email'} codes in this hour; try again later`));
    }
  }

  private refuse(channel: NotificationChannel, reason: RefusalReason, error: ZitadelError): ZitadelError {
    this.metrics?.recordSendRefusal(channel, reason);
    return error;
  }
}
