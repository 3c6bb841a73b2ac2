import { LRUCache } from 'lru-cache';
import { Inject, Injectable } from '@nestjs/common';
import { guardedAgent } from '../../../common/net/guarded-agent';
import { HostResolver } from '../../../common/net/host-resolver';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { ActiveSmsProviderPort, SmsProviderConfig, TwilioProviderConfig } from '../../sms/active-sms-provider.port';
import { TickBatcher } from '../delivery/tick-batcher';
import { HttpProviderEgress, HttpSmsSender } from './http-sms-sender';
import { SmsSender } from './sms-sender';
import { TwilioRequestClient } from './twilio-request-client';
import { TwilioSmsSender } from './twilio-sms-sender';

/**
 * The SMS provider that is active right now, read through the sms module's
 * port on every call and built with its current credentials: a token rotated
 * a moment ago is what the next message uses; also any provider by id, for
 * a look-up. Nothing is cached but the HTTP connection pools (the Twilio
 * SDK's, and the HTTP provider's guarded one).
 */
@Injectable()
export class ActiveSmsProvider {
  private readonly twilioHttp: TwilioRequestClient;
  /** Connections to HTTP providers, each checked against the endpoint policy as it is made. */
  private readonly httpEgress: HttpProviderEgress;
  /** Concurrent jobs share one read of the active provider (never one that started before they asked). */
  private readonly active = new TickBatcher(async (calls: unknown[]) => {
    const provider = await this.providers.active();
    return calls.map(() => provider);
  });
  /**
   * Twilio SDK clients by their exact credentials: building one per message
   * showed in profiles. Keyed by the values just read from the database, so a
   * rotated token makes a new client; a few entries, least recently used out first.
   */
  private readonly twilioClients = new LRUCache<string, TwilioSmsSender>({ max: 8 });

  constructor(
    private readonly providers: ActiveSmsProviderPort,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    resolver: HostResolver,
  ) {
    this.twilioHttp = new TwilioRequestClient(config.twilioBaseUrl, config.notifications.sendTimeoutMs);
    // TWILIO_BASE_URL is the operator's own setting, not an API caller's: Twilio's agent needs no guard.
    this.httpEgress = {
      policy: providers.destinations,
      dispatcher: guardedAgent(providers.destinations, resolver, { keepAliveTimeout: 30_000, connectTimeout: config.notifications.sendTimeoutMs }),
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
    const provider = await this.providers.byId(providerId);
    return provider ? this.build(provider) : null;
  }

  private build(provider: SmsProviderConfig): SmsSender {
    if (provider.kind === 'twilio') return this.buildTwilio(provider);
    const { kind: _kind, ...settings } = provider;
    return new HttpSmsSender(settings, this.config.notifications.sendTimeoutMs, () => this.clock.now(), this.httpEgress);
  }

  private buildTwilio(provider: TwilioProviderConfig): TwilioSmsSender {
    const { kind: _kind, ...credentials } = provider;
    const key = JSON.stringify(credentials);
    let sender = this.twilioClients.get(key);
    if (!sender) {
      sender = new TwilioSmsSender(credentials, this.twilioHttp);
      this.twilioClients.set(key, sender);
    }
    return sender;
  }
}
