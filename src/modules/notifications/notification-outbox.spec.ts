import { lastValueFrom } from 'rxjs';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { GrpcExceptionFilter } from '../../common/errors/grpc-exception.filter';
import { ZitadelError, toErrorBody } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { SystemClock } from '../../common/time/clock';
import { loadConfig } from '../../config/app-config';
import { NotificationOutbox } from './notification-outbox';
import { MetricsService } from '../../metrics/metrics.service';
import { SendCounts, SendLimitRepository } from './limits/send-limit.repository';
import { SendLimits } from './limits/send-limits';
import { NotificationRepository } from './notification.repository';

/** The send limit's refusal on every transport: 429 over REST, code 8 with its id over gRPC; nothing inserted. */
describe('NotificationOutbox send limits', () => {

  function outboxWith(recent: { count: number; newest: Date | null }, hourly: Partial<Pick<SendCounts, 'user' | 'caller' | 'instance'>> = {}, env: Record<string, string> = {}) {
    const inserted: unknown[] = [];
    const repository = {
      insert: async (_em: EntityManager, row: unknown) => void inserted.push(row),
    } as unknown as NotificationRepository;
    const counts: SendCounts = { recipientCount: recent.count, recipientNewest: recent.newest, user: 1, caller: 1, instance: 1, ...hourly };
    const store = { countWith: async () => counts } as unknown as SendLimitRepository;
    const metrics = new MetricsService();
    const limits = new SendLimits(store, { instanceId: 'instance-1' }, loadConfig({ DATA_DIR: '/nonexistent-unit-test-dir', ...env }), metrics);
    const outbox = new NotificationOutbox(new IdGenerator(), new SecretBox('unit-test-master-key-0123456789a'), new SystemClock(), repository, limits);
    return { outbox, inserted, metrics };
  }

  const code = (expiresAt = new Date(Date.now() + 600_000)) => ({
    channel: 'sms' as const,
    purpose: 'verify_phone' as const,
    recipient: '+41791234567',
    userId: 'u1',
    organizationId: 'org-1',
    callerId: 'caller-1',
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

  it.each([
    ['user', { user: 11 }, 'NOTIFY-l1m1tUsr'],
    ['caller', { caller: 1001 }, 'NOTIFY-l1m1tCllr'],
    ['instance', { instance: 5001 }, 'NOTIFY-l1m1tInst'],
  ] as const)('refuses a code past the hourly %s limit with its own id, and counts the refusal by reason', async (reason, hourly, id) => {
    const { outbox, inserted, metrics } = outboxWith({ count: 0, newest: null }, hourly);
    const error = await refusal(outbox);
    expect({ code: error.code, http: error.httpStatus, id: error.id }).toEqual({ code: 8, http: 429, id });
    expect(inserted).toHaveLength(0);
    expect((await metrics.sendRefusals.get()).values).toEqual([{ labels: { channel: 'sms', reason }, value: 1 }]);
  });

  it('accepts the code that reaches each hourly limit exactly', async () => {
    const { outbox, inserted } = outboxWith({ count: 0, newest: null }, { user: 10, caller: 1000, instance: 5000 });
    await outbox.enqueue({ queryRunner: undefined } as unknown as EntityManager, code());
    expect(inserted).toHaveLength(1);
  });

  it('refuses an SMS to a calling code outside SMS_ALLOWED_COUNTRY_CODES before counting it', async () => {
    const { outbox, inserted, metrics } = outboxWith({ count: 0, newest: null }, {}, { SMS_ALLOWED_COUNTRY_CODES: '44,49' });
    const error = await refusal(outbox);
    expect({ code: error.code, id: error.id }).toEqual({ code: 8, id: 'NOTIFY-c0untry' });
    expect(inserted).toHaveLength(0);
    expect((await metrics.sendRefusals.get()).values).toEqual([{ labels: { channel: 'sms', reason: 'country' }, value: 1 }]);
  });
});
