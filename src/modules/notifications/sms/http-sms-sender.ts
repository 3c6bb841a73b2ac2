import { createHmac } from 'node:crypto';
import { DeliveryError, ProviderHttpError } from '../delivery/delivery-error';
import { SentMessage, SmsMessage, SmsSender } from './sms-sender';

export interface HttpProviderSettings {
  providerId: string;
  description: string;
  endpoint: string;
  signingKey: string;
}

/**
 * ZITADEL's generic HTTP ("webhook") SMS provider: one signed JSON POST per
 * message. The body follows ZITADEL's notification payload (contextInfo,
 * templateData, messageContent; field names as ZITADEL's Go structs marshal
 * them). It was modelled on ZITADEL's code, not checked byte for byte against
 * a running ZITADEL:
 *
 *   {
 *     "contextInfo": { "eventType": "user.human.phone.code.added",
 *                      "provider": { "id": "<provider id>", "description": "<description>" } },
 *     "templateData": { "Code": "K3T9QZ", "UserID": "…", "OrgID": "…", "Text": "<the SMS text>" },
 *     "messageContent": { "SenderPhoneNumber": "", "RecipientPhoneNumber": "+41791234567",
 *                         "Content": "<the SMS text>", "TriggeringEventType": "user.human.phone.code.added" }
 *   }
 *
 * Header `ZITADEL-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * with the provider's signing key. Any non-2xx answer is a failed attempt.
 */
export class HttpSmsSender implements SmsSender {
  readonly providerId: string;

  constructor(
    private readonly settings: HttpProviderSettings,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
  ) {
    this.providerId = settings.providerId;
  }

  async send(message: SmsMessage): Promise<SentMessage> {
    if (message.code === undefined || message.text === undefined) {
      throw new DeliveryError('permanent', `HTTP provider ${this.providerId} cannot make codes (the notification was meant for Twilio Verify)`);
    }
    const body = JSON.stringify({
      contextInfo: {
        eventType: message.eventType,
        provider: { id: this.settings.providerId, description: this.settings.description },
      },
      templateData: { Code: message.code, UserID: message.userId, OrgID: message.organizationId, Text: message.text },
      messageContent: {
        SenderPhoneNumber: '',
        RecipientPhoneNumber: message.to,
        Content: message.text,
        TriggeringEventType: message.eventType,
      },
    });
    const response = await fetch(this.settings.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ZITADEL-Signature': signPayload(body, this.settings.signingKey, this.now()) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the connection can be reused; its content is of no use.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new ProviderHttpError('HTTP provider', response.status, `the endpoint answered ${response.status}`);
    }
    return { providerMessageId: null };
  }

  /** The endpoint is a plain webhook: nothing to ask it afterwards. */
  canLookUp(): boolean {
    return false;
  }

  lookUp(): Promise<SentMessage | null> {
    return Promise.reject(new Error('the HTTP provider cannot be asked what it accepted'));
  }
}

export function signPayload(body: string, signingKey: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', signingKey).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
