import { LRUCache } from 'lru-cache';
import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../../../common/crypto/secret-box';
import { guardedAgent } from '../../../common/net/guarded-agent';
import { HostResolver } from '../../../common/net/host-resolver';
import { UnitOfWork } from '../../../common/persistence/unit-of-work';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { InstanceContext } from '../../../database/database.module';
import { SmsProviderEntity, httpSigningKeyAad, twilioTokenAad } from '../../sms/sms-provider.entity';
import { SmsEndpointPolicy } from '../../sms/sms-endpoint-policy';
import { SmsProviderRepository } from '../../sms/sms-provider.repository';
import { HttpProviderEgress, HttpSmsSender } from './http-sms-sender';
import { SmsSender } from './sms-sender';
import { TwilioRequestClient } from './twilio-request-client';
import { TwilioSmsSender } from './twilio-sms-sender';
import { TickBatcher } from '../delivery/tick-batcher';

/**
 * The SMS provider that is active right now, read from the database on every
 * call and built with its current credentials: a token rotated a moment ago
 * is what the next message uses; also any provider by id, for a look-up.
 * Nothing is cached but the HTTP connection pools (the Twilio SDK's, and
 * the HTTP provider's guarded one).
 */
@Injectable()
export class ActiveSmsProvider {
  private readonly twilioHttp: TwilioRequestClient;
  /** Connections to HTTP providers, each checked against the endpoint policy as it is made. */
  private readonly httpEgress: HttpProviderEgress;
  /** Concurrent jobs share one read of the active provider (never one that started before they asked). */
  private readonly active = new TickBatcher(async (calls: unknown[]) => {
    const provider = await this.providers.findActive(this.unitOfWork.reader, this.instance.instanceId);
    return calls.map(() => provider);
  });
  /**
   * Twilio SDK clients by their exact credentials: building one per message
   * showed in profiles. Keyed by the values just read from the database, so a
   * rotated token makes a new client; a few entries, least recently used out first.
   */
  private readonly twilioClients = new LRUCache<string, TwilioSmsSender>({ max: 8 });

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly providers: SmsProviderRepository,
    private readonly instance: InstanceContext,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    endpoints: SmsEndpointPolicy,
    resolver: HostResolver,
  ) {
    this.twilioHttp = new TwilioRequestClient(config.twilioBaseUrl, config.notifications.sendTimeoutMs);
    // TWILIO_BASE_URL is the operator's own setting, not an API caller's: Twilio's agent needs no guard.
    this.httpEgress = {
      policy: endpoints.destinations,
      dispatcher: guardedAgent(endpoints.destinations, resolver, { keepAliveTimeout: 30_000, connectTimeout: config.notifications.sendTimeoutMs }),
    };
  }

  /** The active provider's sender, or null when none is active. */
  async sender(): Promise<SmsSender | null> {
    const provider = await this.active.call(undefined);
    return provider ? this.build(provider) : null;
  }

  /**
   * The sender of this provider whether it is active or not (null once it was
   * removed): an attempt in doubt is looked up at the provider that got it,
   * even after an operator activated another one.
   */
  async senderOf(providerId: string): Promise<SmsSender | null> {
    const provider = await this.providers.find(this.unitOfWork.reader, this.instance.instanceId, providerId);
    return provider ? this.build(provider) : null;
  }

  private build(provider: SmsProviderEntity): SmsSender {
    if (provider.kind === 'twilio') return this.buildTwilio(provider);
    const signingKey = this.secrets.open(
      { ciphertext: provider.httpSigningKeyCiphertext ?? '', keyId: provider.httpSigningKeyKeyId ?? '' },
      httpSigningKeyAad(provider.id),
    );
    return new HttpSmsSender(
      { providerId: provider.id, description: provider.description, endpoint: provider.httpEndpoint ?? '', signingKey },
      this.config.notifications.sendTimeoutMs,
      () => this.clock.now(),
      this.httpEgress,
    );
  }

  private buildTwilio(provider: SmsProviderEntity): TwilioSmsSender {
    const token = this.secrets.open(
      { ciphertext: provider.twilioTokenCiphertext ?? '', keyId: provider.twilioTokenKeyId ?? '' },
      twilioTokenAad(provider.id),
    );
    const credentials = {
      providerId: provider.id,
      sid: provider.twilioSid ?? '',
      token,
      senderNumber: provider.twilioSenderNumber ?? '',
      verifyServiceSid: provider.twilioVerifyServiceSid ?? '',
    };
    const key = JSON.stringify(credentials);
    let sender = this.twilioClients.get(key);
    if (!sender) {
      sender = new TwilioSmsSender(credentials, this.twilioHttp);
      this.twilioClients.set(key, sender);
    }
    return sender;
  }
}
