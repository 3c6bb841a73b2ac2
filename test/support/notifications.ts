import { UnitOfWork } from '../../src/common/persistence/unit-of-work';
import { CodeNotification, NotificationOutbox } from '../../src/modules/notifications/notification-outbox';
import { TestApp } from './test-app';

/**
 * The outbox columns delivery owns: the relay and the workers change them in
 * the background (state, attempts, errors, timestamps of sending) and wipe
 * the sealed code once the row is sent, failed or expired, under any test's
 * requests. What a request wrote is the rest of the row; "nothing changed"
 * checks compare only that.
 */
export const OUTBOX_DELIVERY_COLUMNS: readonly string[] = [
  'state',
  'attempts',
  'last_error',
  'provider_message_id',
  'provider_id',
  'updated_at',
  'sent_at',
  'code_ciphertext',
  'code_key_id',
];

/**
 * Asks for a notification exactly as the users module does: inside a
 * unit of work, through NotificationOutbox.enqueue.
 */
export function enqueueCode(t: TestApp, notification: Partial<CodeNotification> = {}): Promise<string> {
  return t.app.get(UnitOfWork).run((em) =>
    t.app.get(NotificationOutbox).enqueue(em, {
      channel: 'sms',
      purpose: 'verify_phone',
      recipient: uniquePhone(),
      userId: uniqueUserId(),
      organizationId: 'org-1',
      callerId: 'test-caller',
      code: 'K3T9QZ',
      expiresAt: new Date(t.clock.now().getTime() + 10 * 60_000),
      ...notification,
    }),
  );
}

let userCounter = 0;
/** A different user id per call, so the per-user limit never interferes across tests. */
export function uniqueUserId(): string {
  userCounter++;
  return `6962902680${String(process.pid % 1000).padStart(3, '0')}${String(userCounter).padStart(4, '0')}`;
}

let phoneCounter = 0;
/** A different valid Swiss mobile number per call, so send limits never interfere across tests. */
export function uniquePhone(): string {
  phoneCounter++;
  return `+4179${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

/** Adds a Twilio provider over the admin REST API and activates it; returns its id. */
export async function activeTwilioProvider(t: TestApp, owner: string, body: Record<string, unknown> = {}): Promise<string> {
  const added = await t.request('POST', '/admin/v1/sms/twilio', {
    token: owner,
    body: { sid: 'AC0123456789', token: 'first-auth-token', senderNumber: '+41790000000', description: 'twilio', ...body },
  });
  if (added.status !== 200) throw new Error(`AddSMSProviderTwilio answered ${added.status}: ${added.text}`);
  const activated = await t.request('POST', `/admin/v1/sms/${added.body.id}/_activate`, { token: owner });
  if (activated.status !== 200) throw new Error(`ActivateSMSProvider answered ${activated.status}: ${activated.text}`);
  return added.body.id;
}

export async function outboxRow(t: TestApp, id: string) {
  const [row] = await t.query('SELECT * FROM notification_outbox WHERE id = ?', [id]);
  return row;
}

/**
 * Send limits out of the way, for suites about something else that send many
 * codes to one address (the limits have their own suite).
 */
export const RELAXED_SEND_LIMITS = {
  SMS_CODES_PER_10_MIN: '1000',
  SMS_RESEND_COOLDOWN_SECONDS: '0',
  EMAIL_CODES_PER_10_MIN: '1000',
  EMAIL_RESEND_COOLDOWN_SECONDS: '0',
  SMS_CODES_PER_USER_PER_HOUR: '100000',
  SMS_CODES_PER_CALLER_PER_HOUR: '100000',
  SMS_CODES_PER_INSTANCE_PER_HOUR: '100000',
  EMAIL_CODES_PER_USER_PER_HOUR: '100000',
  EMAIL_CODES_PER_CALLER_PER_HOUR: '100000',
  EMAIL_CODES_PER_INSTANCE_PER_HOUR: '100000',
};
