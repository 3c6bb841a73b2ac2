/** One SMS to send: either our own code in a text, or a request to Twilio Verify to make and send one. */
export interface SmsMessage {
  notificationId: string;
  /** E.164 number. */
  to: string;
  /** Our code and the text that carries it; absent for a Twilio Verify notification. */
  code?: string;
  text?: string;
  userId: string;
  organizationId: string;
  /** ZITADEL's event that asked for the message, e.g. user.human.phone.code.added. */
  eventType: string;
}

export interface SentMessage {
  /** The provider's id for the message (Twilio's message or verification sid), when it gives one. */
  providerMessageId: string | null;
}

/**
 * One SMS vendor, built fresh from the credentials of the provider that is
 * active at sending time (novu's per-vendor providers). Failures are thrown
 * as ProviderHttpError / DeliveryError / network errors for classification.
 */
export interface SmsSender {
  readonly providerId: string;
  send(message: SmsMessage): Promise<SentMessage>;
  /**
   * Whether the provider can be asked afterwards if it accepted `message`
   * (lookUp). Delivery keeps a message the provider cannot be asked about
   * one at a time per process, so that a killed worker leaves at most one
   * message in doubt.
   */
  canLookUp(message: SmsMessage): boolean;
  /** The message as the provider accepted it, created no earlier than `since`; null when it has none. */
  lookUp(message: SmsMessage, since: Date): Promise<SentMessage | null>;
}
