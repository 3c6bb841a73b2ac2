import twilio from 'twilio';
import { DeliveryError, ProviderHttpError } from '../delivery/delivery-error';
import { SentMessage, SmsMessage, SmsSender } from './sms-sender';
import { TwilioRequestClient } from './twilio-request-client';

export interface TwilioCredentials {
  providerId: string;
  sid: string;
  token: string;
  senderNumber: string;
  verifyServiceSid: string;
}

/** Messages to one number within a code's lifetime are few (SMS_CODES_PER_10_MIN): the newest page holds ours. */
const LOOKUP_PAGE_SIZE = 50;

/**
 * Twilio through its SDK: the Messages API with the provider's sender number
 * for our own codes, Twilio Verify for notifications without a code.
 */
export class TwilioSmsSender implements SmsSender {
  readonly providerId: string;
  private readonly client: twilio.Twilio;

  constructor(
    private readonly credentials: TwilioCredentials,
    httpClient: TwilioRequestClient,
  ) {
    this.providerId = credentials.providerId;
    try {
      this.client = twilio(credentials.sid, credentials.token, { httpClient, autoRetry: false });
    } catch (error) {
      // e.g. "accountSid must start with AC": the provider is misconfigured; an admin may fix it before the code expires.
      throw new DeliveryError('transient', `Twilio provider ${credentials.providerId} is misconfigured: ${(error as Error).message}`);
    }
  }

  async send(message: SmsMessage): Promise<SentMessage> {
    if (message.code === undefined) return this.startVerification(message.to);
    const sent = await twilioCall(() =>
      this.client.messages.create({ to: message.to, from: this.credentials.senderNumber, body: message.text ?? message.code! }),
    );
    return { providerMessageId: sent.sid ?? null };
  }

  /** Our own codes go through the Messages API, whose messages can be listed; Twilio Verify's cannot be asked for. */
  canLookUp(message: SmsMessage): boolean {
    return message.code !== undefined;
  }

  /**
   * Lists the newest messages from our number to `to` (one page, newest
   * first) and returns the one that carries this message's text. The text
   * holds the code, which is unique, so a match is this message; `includes`
   * because a trial account's messages start with Twilio's own prefix. Not
   * filtered by DateSent: a message still queued at Twilio has none.
   */
  async lookUp(message: SmsMessage, since: Date): Promise<SentMessage | null> {
    const text = message.text ?? message.code;
    if (!text) return null;
    const page = await twilioCall(() => this.client.messages.page({ to: message.to, from: this.credentials.senderNumber, pageSize: LOOKUP_PAGE_SIZE }));
    const match = page.instances.find((sent) => {
      const created = sent.dateCreated?.getTime();
      // A date Twilio did not give (or that did not parse) does not rule the message out; the text decides.
      return (sent.body ?? '').includes(text) && !(created !== undefined && created < since.getTime());
    });
    return match ? { providerMessageId: match.sid ?? null } : null;
  }

  /** Twilio Verify makes the code and sends it. */
  async startVerification(to: string): Promise<SentMessage> {
    const serviceSid = this.requireVerifyService();
    const verification = await twilioCall(() => this.client.verify.v2.services(serviceSid).verifications.create({ to, channel: 'sms' }));
    return { providerMessageId: verification.sid ?? null };
  }

  private requireVerifyService(): string {
    if (!this.credentials.verifyServiceSid) {
      throw new DeliveryError('permanent', `Twilio provider ${this.providerId} has no Verify service, and the notification carries no code`);
    }
    return this.credentials.verifyServiceSid;
  }
}

/** Turns the SDK's RestException into ProviderHttpError; network errors pass through. */
async function twilioCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof twilio.RestException) {
      throw new ProviderHttpError('Twilio', error.status, error.message || `HTTP ${error.status}`, typeof error.code === 'number' ? error.code : undefined);
    }
    throw error;
  }
}
