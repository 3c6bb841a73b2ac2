import { Logger } from '@nestjs/common';
import { SecretBox } from '../../../common/crypto/secret-box';
import { UnitOfWork } from '../../../common/persistence/unit-of-work';
import { SystemClock } from '../../../common/time/clock';
import { loadConfig } from '../../../config/app-config';
import { EmailSender } from '../email/email-sender';
import { NotificationEntity, outboxCodeAad } from '../notification.entity';
import { NotificationRepository } from '../notification.repository';
import { DeliveryMark, DeliveryMarks } from '../marks/delivery-marks';
import { ActiveSmsProvider } from '../sms/active-sms-provider';
import { SentMessage, SmsMessage, SmsSender } from '../sms/sms-sender';
import { NotificationDelivery } from './notification-delivery';

const MASTER_KEY = 'unit-test-master-key-0123456789a';

/** A Twilio-like sender that can be asked what it accepted; records what it was asked. */
class FakeSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  readonly lookedUp: SmsMessage[] = [];
  constructor(
    readonly providerId: string,
    private readonly accepted: SentMessage | null = null,
  ) {}
  async send(message: SmsMessage): Promise<SentMessage> {
    this.sent.push(message);
    return { providerMessageId: `SM-${this.providerId}-${this.sent.length}` };
  }
  canLookUp(): boolean {
    return true;
  }
  async lookUp(message: SmsMessage): Promise<SentMessage | null> {
    this.lookedUp.push(message);
    return this.accepted;
  }
}

/**
 * NotificationDelivery with everything around it faked: a row, the delivery
 * marks, the providers. What reaches the provider and what is recorded is
 * what these tests look at.
 */
function deliveryWith(options: { mark?: DeliveryMark | null; noteSending?: boolean; active: FakeSender; others?: FakeSender[] }) {
  const config = loadConfig({ DATA_DIR: '/nonexistent-unit-test-dir' });
  const secrets = new SecretBox(MASTER_KEY);
  const now = new Date();
  const sealed = secrets.seal('123456', outboxCodeAad('1001'));
  const row: NotificationEntity = {
    id: '1001',
    channel: 'sms',
    purpose: 'verify_phone',
    recipient: '+41791234567',
    userId: 'u1',
    organizationId: 'o1',
    codeCiphertext: sealed.ciphertext,
    codeKeyId: sealed.keyId,
    urlTemplate: null,
    state: 'queued',
    attempts: 0,
    lastError: null,
    providerMessageId: null,
    providerId: null,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + 600_000),
    sentAt: null,
  };
  const recorded: { sent: unknown[]; failedAttempts: unknown[] } = { sent: [], failedAttempts: [] };
  const repository = {
    findMany: async (_em: unknown, ids: string[]) => ids.map((id) => (id === row.id ? row : null)),
    markSentMany: async (_em: unknown, sent: unknown[]) => void recorded.sent.push(...sent),
    recordFailedAttempt: async (_em: unknown, _id: string, attempt: unknown) => void recorded.failedAttempts.push(attempt),
  } as unknown as NotificationRepository;
  const unitOfWork = { reader: {}, write: (work: (em: unknown) => Promise<unknown>) => work({}) } as unknown as UnitOfWork;
  const notedSending: unknown[] = [];
  const deliveryMarks = {
    findSent: async (ids: string[]) => ids.map(() => options.mark ?? null),
    canNoteSending: () => true,
    noteSending: async (...args: unknown[]) => {
      notedSending.push(args);
      return options.noteSending ?? true;
    },
    noteSent: () => undefined,
    forgetSent: () => undefined,
  } as unknown as DeliveryMarks;
  const providers = [options.active, ...(options.others ?? [])];
  const smsProviders = {
    sender: async () => options.active,
    senderOf: async (id: string) => providers.find((provider) => provider.providerId === id) ?? null,
  } as unknown as ActiveSmsProvider;
  const delivery = new NotificationDelivery(unitOfWork, repository, secrets, new SystemClock(), smsProviders, {} as EmailSender, deliveryMarks, config);
  return { delivery, row, recorded, notedSending };
}

describe('NotificationDelivery', () => {
  // Its log lines (sent, retrying) are not what these tests look at.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  it('sends after the "sending" mark, which names the provider, is in the queue', async () => {
    const active = new FakeSender('p1');
    const { delivery, recorded, notedSending } = deliveryWith({ active });
    expect(await delivery.deliver('1001', { recheck: false })).toEqual({ kind: 'done' });
    expect(active.sent).toHaveLength(1);
    expect(notedSending).toEqual([['1001', 1, 'p1', expect.any(Number)]]);
    expect(recorded.sent).toEqual([{ id: '1001', attempts: 1, providerMessageId: 'SM-p1-1', providerId: 'p1' }]);
  });

  it('does not send when the "sending" mark could not be written, and retries the attempt later', async () => {
    const active = new FakeSender('p1');
    const { delivery, recorded } = deliveryWith({ active, noteSending: false });
    const outcome = await delivery.deliver('1001', { recheck: false });
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(active.sent).toHaveLength(0);
    expect(recorded.sent).toHaveLength(0);
    expect(recorded.failedAttempts).toEqual([expect.objectContaining({ attempts: 1, error: expect.stringContaining('could not be noted') })]);
  });

  it('asks the provider named by a "sending" mark, not the active one, and records the message it has without sending', async () => {
    const earlier = new FakeSender('p-old', { providerMessageId: 'SM-found' });
    const active = new FakeSender('p-new');
    const { delivery, recorded } = deliveryWith({ active, others: [earlier], mark: { state: 'sending', attempts: 1, providerId: 'p-old' } });
    expect(await delivery.deliver('1001', { recheck: false })).toEqual({ kind: 'done' });
    expect(earlier.lookedUp).toHaveLength(1);
    expect(active.lookedUp).toHaveLength(0);
    expect(active.sent).toHaveLength(0);
    expect(recorded.sent).toEqual([{ id: '1001', attempts: 1, providerMessageId: 'SM-found', providerId: 'p-old' }]);
  });

  it('asks the active provider when the one named by the mark was removed, and sends through it when nothing is found', async () => {
    const active = new FakeSender('p-new');
    const { delivery, recorded } = deliveryWith({ active, mark: { state: 'sending', attempts: 1, providerId: 'p-removed' } });
    expect(await delivery.deliver('1001', { recheck: false })).toEqual({ kind: 'done' });
    expect(active.lookedUp).toHaveLength(1);
    expect(active.sent).toHaveLength(1);
    expect(recorded.sent).toEqual([{ id: '1001', attempts: 1, providerMessageId: 'SM-p-new-1', providerId: 'p-new' }]);
  });
});
