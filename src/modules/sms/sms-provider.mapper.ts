import { ObjectDetails, timestamp } from '../../common/dto/object-details.dto';
import { SmsProviderEntity, SmsProviderState } from './sms-provider.entity';
import { SMSProvider, SMSProviderConfigState } from './dto/sms-responses.dto';

/** Details after an add: ZITADEL fills creationDate only. */
export function addedDetails(provider: SmsProviderEntity): ObjectDetails {
  return { sequence: String(provider.sequence), creationDate: timestamp(provider.changedAt), resourceOwner: provider.instanceId };
}

/**
 * Details after any other change: the provider's creation date and the
 * change's date, as in ZITADEL's documented answers (ZITADEL itself leaves
 * creationDate out of most changes).
 */
export function changedDetails(provider: SmsProviderEntity): ObjectDetails {
  return readDetails(provider);
}

/** Read-style details: both dates. */
export function readDetails(provider: SmsProviderEntity): ObjectDetails {
  return {
    sequence: String(provider.sequence),
    creationDate: timestamp(provider.createdAt),
    changeDate: timestamp(provider.changedAt),
    resourceOwner: provider.instanceId,
  };
}

export function toSmsProvider(provider: SmsProviderEntity): SMSProvider {
  const result: SMSProvider = {
    details: readDetails(provider),
    id: provider.id,
    state:
      provider.state === SmsProviderState.ACTIVE
        ? SMSProviderConfigState.SMS_PROVIDER_CONFIG_ACTIVE
        : SMSProviderConfigState.SMS_PROVIDER_CONFIG_INACTIVE,
  };
  if (provider.description) result.description = provider.description;
  if (provider.kind === 'twilio') {
    result.twilio = { sid: provider.twilioSid ?? '' };
    if (provider.twilioSenderNumber) result.twilio.senderNumber = provider.twilioSenderNumber;
    if (provider.twilioVerifyServiceSid) result.twilio.verifyServiceSid = provider.twilioVerifyServiceSid;
  } else {
    result.http = { endpoint: provider.httpEndpoint ?? '' };
  }
  return result;
}
