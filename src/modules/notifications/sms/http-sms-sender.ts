import { createHmac } from 'node:crypto';
import { Dispatcher, Response, fetch } from 'undici';
import { DestinationPolicy } from '../../../common/net/destination-policy';
import { destinationRefusalOf } from '../../../common/net/guarded-agent';
import { DeliveryError, ProviderHttpError } from '../delivery/delivery-error';
import { SentMessage, SmsMessage, SmsSender } from './sms-sender';

export interface HttpProviderSettings {
  providerId: string;
  description: string;
  endpoint: string;
  signingKey: string;
}

/** Where the sender may connect: the endpoint policy, and an agent that applies it to each connection (guardedAgent). */
export interface HttpProviderEgress {
  policy: DestinationPolicy;
  dispatcher: Dispatcher;
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
 * with the provider's signing key. Any non-2xx answer is a failed attempt;
 * a redirect is one too, never followed (it could point anywhere). An
 * endpoint the policy refuses, by its URL or by the address its host
 * resolves to when connecting, fails for good without a byte sent.
 */
export class HttpSmsSender implements SmsSender {
  readonly providerId: string;

  constructor(
    private readonly settings: HttpProviderSettings,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
    private readonly egress: HttpProviderEgress,
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
    const endpoint = this.allowedEndpoint();
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'ZITADEL-Signature': signPayload(body, this.settings.signingKey, this.now()) },
        body,
        redirect: 'manual',
        dispatcher: this.egress.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const refused = destinationRefusalOf(error);
      if (refused) throw new DeliveryError('permanent', `HTTP provider ${this.providerId} refused: ${refused.message}`);
      throw error;
    }
    // Drain the body so the connection can be reused; its content is of no use.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new ProviderHttpError('HTTP provider', response.status, `the endpoint answered ${response.status}`);
    }
    return { providerMessageId: null };
  }

  /** The stored endpoint, checked again: it may have been stored before the policy or under a wider SMS_HTTP_ALLOWED_HOSTS. */
  private allowedEndpoint(): URL {
    let url: URL;
    try {
      url = new URL(this.settings.endpoint);
    } catch {
      throw new DeliveryError('permanent', `HTTP provider ${this.providerId} has no valid endpoint URL`);
    }
    const refusal = this.egress.policy.refusalForUrl(url);
    if (refusal) throw new DeliveryError('permanent', `HTTP provider ${this.providerId} refused: ${refusal.reason}`);
    return url;
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
