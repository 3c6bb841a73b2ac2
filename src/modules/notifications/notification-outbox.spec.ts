import { lastValueFrom } from 'rxjs';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { GrpcExceptionFilter } from '../../common/errors/grpc-exception.filter';
import { ZitadelError, toErrorBody } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { SystemClock } from '../../common/time/clock';
import { loadConfig } from '../../config/app-config';
import { NotificationOutbox } from './notification-outbox';
import { NotificationRepository } from './notification.repository';

/** The send limit's refusal on every transport: 429 over REST, code 8 with its id over gRPC; nothing inserted. */
describe('NotificationOutbox send limits', () => {
  const config = loadConfig({ DATA_DIR: '/nonexistent-unit-test-dir' });

  function outboxWith(recent: { count: number; newest: Date | null }) {
    const inserted: unknown[] = [];
    const repository = {
      lockRecipient: async () => undefined,
      recentFor: async () => recent,
      insert: async (_em: EntityManager, row: unknown) => void inserted.push(row),
    } as unknown as NotificationRepository;
    const outbox = new NotificationOutbox(new IdGenerator(), new SecretBox('unit-test-master-key-0123456789a'), new SystemClock(), repository, config);
    return { outbox, inserted };
  }

  const code = (expiresAt = new Date(Date.now() + 600_000)) => ({
    channel: 'sms' as const,
    purpose: 'verify_phone' as const,
    recipient: '+41791234567',
    userId: 'u1',
    organizationId: 'org-1',
    code: 'K3T9QZ',
    expiresAt,
  });

  async function refusal(outbox: NotificationOutbox): Promise<ZitadelError> {
    const error = await outbox.enqueue({ queryRunner: undefined } as unknown as EntityManager, code()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ZitadelError);
    return error as ZitadelError;
  }

  it('refuses a 4th code in 10 minutes as ResourceExhausted: 429 and ZITADEL\'s body over REST, code 8 over gRPC', async () => {
    const { outbox, inserted } = outboxWith({ count: 3, newest: new Date(Date.now() - 120_000) });
    const error = await refusal(outbox);
    expect({ code: error.code, http: error.httpStatus, id: error.id }).toEqual({ code: 8, http: 429, id: 'NOTIFY-l1m1t10m' });
    expect(toErrorBody(error)).toEqual({
      code: 8,
      message: expect.stringContaining('NOTIFY-l1m1t10m'),
      details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'NOTIFY-l1m1t10m', message: expect.any(String) }],
    });
    const status = await lastValueFrom(new GrpcExceptionFilter().catch(error)).catch((e: unknown) => e);
    expect(status).toMatchObject({ code: 8, details: expect.stringContaining('(NOTIFY-l1m1t10m)') });
    expect(JSON.stringify(toErrorBody(error))).not.toContain('+41791234567');
    expect(inserted).toHaveLength(0);
  });

  it('refuses a code within the resend cool-down with its own id', async () => {
    const { outbox, inserted } = outboxWith({ count: 1, newest: new Date(Date.now() - 5_000) });
    const error = await refusal(outbox);
    expect({ code: error.code, id: error.id }).toEqual({ code: 8, id: 'NOTIFY-c00ld0wn' });
    expect(inserted).toHaveLength(0);
  });

  it('accepts the 3rd code after the cool-down', async () => {
    const { outbox, inserted } = outboxWith({ count: 2, newest: new Date(Date.now() - 61_000) });
    await outbox.enqueue({ queryRunner: undefined } as unknown as EntityManager, code());
    expect(inserted).toHaveLength(1);
  });
});
