import { GrpcCode } from '../../src/common/errors/zitadel-error';
import { SmsProvidersService } from '../../src/modules/sms/sms-providers.service';
import { expectRefusal } from './expect-error';
import { ServiceContext, instanceOwner } from './service-context';

describe.each(['mysql', 'embedded'] as const)('SmsProvidersService on %s (real database, no transport)', (topology) => {
  let s: ServiceContext;
  let sms: SmsProvidersService;
  const admin = instanceOwner();

  beforeAll(async () => {
    s = await ServiceContext.start({}, topology);
    sms = s.get(SmsProvidersService);
  });
  afterAll(() => s.close());

  const addTwilio = async (description = 'twilio') =>
    (await sms.addTwilio(admin, { sid: 'AC123', token: 'secret-token-1', senderNumber: '+41790000000', description })).id;
  const states = async () =>
    Object.fromEntries((await sms.list(admin, { query: { limit: 100 } })).result.map((p: any) => [p.id, p.state]));

  it('activate leaves exactly one provider active and deactivates the previous one in the same change', async () => {
    const first = await addTwilio('first');
    const second = await addTwilio('second');
    await sms.activate(admin, { id: first });
    await sms.activate(admin, { id: second });
    const now = await states();
    expect(now[first]).toBe('SMS_PROVIDER_CONFIG_INACTIVE');
    expect(now[second]).toBe('SMS_PROVIDER_CONFIG_ACTIVE');
    const active = await s.query("SELECT id FROM sms_providers WHERE state = 1");
    expect(active.map((row) => row.id)).toEqual([second]);
  });

  it('refuses to activate an active provider and to deactivate an inactive one, changing nothing', async () => {
    const id = await addTwilio();
    await sms.activate(admin, { id });
    const before = (await sms.get(admin, { id })).config.details.sequence;
    await expectRefusal(sms.activate(admin, { id }), GrpcCode.FAILED_PRECONDITION, 'COMMAND-B25GFeIvRi');
    await sms.deactivate(admin, { id });
    await expectRefusal(sms.deactivate(admin, { id }), GrpcCode.FAILED_PRECONDITION, 'COMMAND-OSZAEkYvk7');
    expect(Number((await sms.get(admin, { id })).config.details.sequence)).toBe(Number(before) + 1);
  });

  it('an update that changes nothing writes nothing: same sequence, no change-log row', async () => {
    const id = await sms.addTwilio(admin, { sid: 'AC1', token: 'tok', senderNumber: '+1', description: 'd' }).then((r) => r.id);
    const logRows = async () => (await s.query('SELECT * FROM change_log WHERE aggregate_id = ?', [id])).length;
    const rowsBefore = await logRows();
    const unchanged = await sms.updateTwilio(admin, { id, sid: 'AC1', senderNumber: '+1', description: 'd' });
    expect(await logRows()).toBe(rowsBefore);
    const changed = await sms.updateTwilio(admin, { id, sid: 'AC2', senderNumber: '+1', description: 'd' });
    expect(Number(changed.details.sequence)).toBe(Number(unchanged.details.sequence) + 1);
    expect(await logRows()).toBe(rowsBefore + 1);
  });

  it('rotating the Twilio token always writes, stores it sealed and never answers it', async () => {
    const id = await addTwilio();
    const before = await sms.get(admin, { id });
    const rotated = await sms.rotateTwilioToken(admin, { id, token: 'rotated-secret-token' });
    expect(Number(rotated.details.sequence)).toBe(Number(before.config.details.sequence) + 1);
    expect(JSON.stringify(rotated) + JSON.stringify(await sms.get(admin, { id }))).not.toContain('rotated-secret-token');
    const stored = JSON.stringify(await s.query('SELECT * FROM sms_providers WHERE id = ?', [id]));
    expect(stored).not.toContain('rotated-secret-token');
    expect(JSON.stringify(await s.query('SELECT * FROM change_log WHERE aggregate_id = ?', [id]))).not.toContain('rotated-secret-token');
  });

  it('a Twilio operation on an HTTP provider is "not found", and a removed provider is gone', async () => {
    const http = await sms.addHttp(admin, { endpoint: 'https://sms.example.com/send', description: 'web' });
    await expectRefusal(sms.rotateTwilioToken(admin, { id: http.id, token: 'x' }), GrpcCode.NOT_FOUND, 'COMMAND-ij3NhEHATp');
    await sms.remove(admin, { id: http.id });
    await expectRefusal(sms.get(admin, { id: http.id }), GrpcCode.NOT_FOUND, 'QUERY-fn99w');
  });

  it('HTTP provider: the signing key is answered once, rotated only on request', async () => {
    const added = await sms.addHttp(admin, { endpoint: 'https://sms.example.com/a' });
    expect(added.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const plain = await sms.updateHttp(admin, { id: added.id, endpoint: 'https://sms.example.com/b' });
    expect(plain.signingKey).toBeUndefined();
    const rotated = await sms.updateHttp(admin, { id: added.id, endpoint: 'https://sms.example.com/b', expirationSigningKey: '0s' });
    expect(rotated.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.signingKey).not.toBe(added.signingKey);
    expect(JSON.stringify(await s.query('SELECT * FROM sms_providers WHERE id = ?', [added.id]))).not.toContain(rotated.signingKey);
  });
});
