import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secret-box';
import { DestinationPolicy } from '../../common/net/destination-policy';
import { UnitOfWork } from '../../common/persistence/unit-of-work';
import { InstanceContext } from '../../database/database.module';
import { SmsEndpointPolicy } from './sms-endpoint-policy';
import { SmsProviderEntity, httpSigningKeyAad, twilioTokenAad } from './sms-provider.entity';
import { SmsProviderRepository } from './sms-provider.repository';

export interface TwilioProviderConfig {
  kind: 'twilio';
  providerId: string;
  sid: string;
  token: string;
  senderNumber: string;
  /** Empty when the provider has no Verify service. */
  verifyServiceSid: string;
}

export interface HttpProviderConfig {
  kind: 'http';
  providerId: string;
  description: string;
  endpoint: string;
  signingKey: string;
}

/** A provider as a sender needs it: its settings with its secret opened. */
export type SmsProviderConfig = TwilioProviderConfig | HttpProviderConfig;

/**
 * What the sms module tells the rest of the service about its providers:
 * the active one and any one by id, read from the database on every call
 * (a token rotated or a provider activated a moment ago, in any process, is
 * what the next call returns), and where an HTTP provider may send.
 */
@Injectable()
export class ActiveSmsProviderPort {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly providers: SmsProviderRepository,
    private readonly instance: InstanceContext,
    private readonly secrets: SecretBox,
    private readonly endpoints: SmsEndpointPolicy,
  ) {}

  /** Where an HTTP provider may connect (SMS_HTTP_ALLOWED_HOSTS); a sender checks it again for each connection. */
  get destinations(): DestinationPolicy {
    return this.endpoints.destinations;
  }

  /** The active provider, or null when none is active. */
  async active(): Promise<SmsProviderConfig | null> {
    const provider = await this.providers.findActive(this.unitOfWork.reader, this.instance.instanceId);
    return provider ? this.configOf(provider) : null;
  }

  /** This provider whether it is active or not (null once it was removed). */
  async byId(providerId: string): Promise<SmsProviderConfig | null> {
    const provider = await this.providers.find(this.unitOfWork.reader, this.instance.instanceId, providerId);
    return provider ? this.configOf(provider) : null;
  }

  private configOf(provider: SmsProviderEntity): SmsProviderConfig {
    if (provider.kind === 'twilio') {
      return {
        kind: 'twilio',
        providerId: provider.id,
        sid: provider.twilioSid ?? '',
        token: this.secrets.open({ ciphertext: provider.twilioTokenCiphertext ?? '', keyId: provider.twilioTokenKeyId ?? '' }, twilioTokenAad(provider.id)),
        senderNumber: provider.twilioSenderNumber ?? '',
        verifyServiceSid: provider.twilioVerifyServiceSid ?? '',
      };
    }
    return {
      kind: 'http',
      providerId: provider.id,
      description: provider.description,
      endpoint: provider.httpEndpoint ?? '',
      signingKey: this.secrets.open(
        { ciphertext: provider.httpSigningKeyCiphertext ?? '', keyId: provider.httpSigningKeyKeyId ?? '' },
        httpSigningKeyAad(provider.id),
      ),
    };
  }
}
