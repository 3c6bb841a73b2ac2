import { GrpcCode } from '../../src/common/errors/zitadel-error';
import { UserContactsService } from '../../src/modules/users/user-contacts.service';
import { UserSchemasService } from '../../src/modules/users/user-schemas.service';
import { UsersService } from '../../src/modules/users/users.service';
import { RELAXED_SEND_LIMITS, uniquePhone } from '../support/notifications';
import { expectRefusal } from './expect-error';
import { ServiceContext, caller, instanceOwner } from './service-context';

const HOUR = 60 * 60_000;

describe.each(['mysql', 'embedded'] as const)('Send limits in the contact services on %s (real database, no transport)', (topology) => {
  let s: ServiceContext;
  let users: UsersService;
  let contacts: UserContactsService;
  let schemaId: string;
  const orgOwner = caller('limits-owner', { ORG_OWNER: ['org-1'] });

  beforeAll(async () => {
    s = await ServiceContext.start(
      {
        ...RELAXED_SEND_LIMITS,
        SMS_CODES_PER_USER_PER_HOUR: '3',
        SMS_CODES_PER_CALLER_PER_HOUR: '5',
        SMS_ALLOWED_COUNTRY_CODES: '41,44',
        NOTIFICATION_WORKERS: 'false',
      },
      topology,
    );
    users = s.get(UsersService);
    contacts = s.get(UserContactsService);
    const schema = await s.get(UserSchemasService).create(instanceOwner(), { userSchema: { type: 'limited', schema: { type: 'object' } } });
    schemaId = schema.details.id;
  });
  afterAll(() => s.close());

  const newUser = async () => (await users.create(orgOwner, { organization: { orgId: 'org-1' }, user: { schemaId, data: {} } })).details.id;
  const sendPhoneCode = (who: ReturnType<typeof caller>, id: string, number: string) => contacts.setPhone(who, { id, phone: { number, sendCode: {} } });
  const outboxRows = async (id: string) => (await s.query('SELECT id FROM notification_outbox WHERE user_id = ?', [id])).length;

  it('stops a user at SMS_CODES_PER_USER_PER_HOUR, rolls the refused change back, and counts again in the next clock hour', async () => {
    // At the start of a clock hour, so that the three codes and the refusal share one window.
    s.clock.advance(HOUR - (s.clock.now().getTime() % HOUR) + 1_000);
    const id = await newUser();
    const self = caller(id);
    const numbers = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    for (const number of numbers.slice(0, 3)) await sendPhoneCode(self, id, number);
    await expectRefusal(sendPhoneCode(self, id, numbers[3]), GrpcCode.RESOURCE_EXHAUSTED, 'NOTIFY-l1m1tUsr');
    expect((await users.get(orgOwner, { id })).user.contact).toEqual({ phone: { number: numbers[2] } });
    expect(await outboxRows(id)).toBe(3);

    s.clock.advance(HOUR);
    await sendPhoneCode(self, id, numbers[3]);
    expect(await outboxRows(id)).toBe(4);
  });

  it('counts what one caller asked for across users (SMS_CODES_PER_CALLER_PER_HOUR)', async () => {
    s.clock.advance(HOUR - (s.clock.now().getTime() % HOUR) + 1_000);
    const pumper = caller('pumper', { ORG_USER_MANAGER: ['org-1'] });
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newUser()));
    for (const id of ids.slice(0, 5)) await sendPhoneCode(pumper, id, uniquePhone());
    await expectRefusal(sendPhoneCode(pumper, ids[5], uniquePhone()), GrpcCode.RESOURCE_EXHAUSTED, 'NOTIFY-l1m1tCllr');
    expect(await outboxRows(ids[5])).toBe(0);
    // Another caller is not held back by that one's count.
    await sendPhoneCode(orgOwner, ids[5], uniquePhone());
  });

  it('refuses numbers outside SMS_ALLOWED_COUNTRY_CODES before anything is written', async () => {
    const id = await newUser();
    await expectRefusal(sendPhoneCode(orgOwner, id, '+12025550123'), GrpcCode.RESOURCE_EXHAUSTED, 'NOTIFY-c0untry');
    expect((await users.get(orgOwner, { id })).user.contact).toBeUndefined();
    expect(await outboxRows(id)).toBe(0);
  });
});
