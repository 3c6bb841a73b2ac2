import { testRedisUrl } from './support/environment';
import { eventually, sleep } from './support/eventually';
import { activeTwilioProvider, uniquePhone } from './support/notifications';
import { SmtpSink } from './support/smtp-sink';
import { TestApp, defaultTopology, expectZitadelError } from './support/test-app';
import { TwilioRequest, TwilioStandIn } from './support/twilio-stand-in';
import { USERS, createSchema, createUser } from './support/users-fixture';

jest.setTimeout(60_000);

const CODE = /\b([A-Z0-9]{6})\b/;
const SECOND = 1000;

/**
 * Codes asked for through the API reach people, and the code that arrives is
 * the one the API accepts: PatchUser and ResendContactPhoneCode with sendCode
 * end at the Twilio stand-in, whose message body then verifies the phone
 * through VerifyContactPhone; email ends at a real SMTP server. On MySQL the
 * queue is BullMQ on Redis; on the embedded topology (the README's quick
 * start) it is the in-process queue next to SQLite.
 */
describe('Codes asked for through the API are delivered and verify', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;
  let smtp: SmtpSink;
  let owner: string;
  let schemaId: string;
  let providerId: string;

  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    smtp = await new SmtpSink().start();
    t = await TestApp.start({
      ...(defaultTopology() === 'mysql' ? { REDIS_URL: testRedisUrl() } : {}),
      TWILIO_BASE_URL: twilio.url,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'identity@example.com',
      NOTIFICATION_RETRY_BASE_MS: '50',
    });
    owner = await t.issuer.owner();
    schemaId = await createSchema(t, owner);
    providerId = await activeTwilioProvider(t, owner, { sid: 'AC5150', token: 'api-first-token', senderNumber: '+41790005150' });
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
    await smtp?.stop();
  });

  const newUser = async () => (await createUser(t, owner, { schemaId, data: { name: 'Gigi' } }, 'org-1')).id;
  /** The user's own token: proving possession of the code needs no role. */
  const selfToken = (userId: string) => t.issuer.token({ sub: userId, org: 'org-1' });
  const patch = (id: string, body: unknown) => t.request('PATCH', `${USERS}/${id}`, { token: owner, body });
  const smsTo = (to: string) => twilio.acceptedMessages().filter((r) => r.form.To === to);
  /** Waits for the n-th accepted SMS to `to` and returns it. */
  const nthSms = (to: string, n: number) => eventually(() => smsTo(to)[n - 1]);
  const codeIn = (sms: TwilioRequest) => CODE.exec(sms.form.Body)?.[1] ?? '';
  const contactOf = async (id: string) => (await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.contact;

  it('PatchUser with phone sendCode: Twilio receives the code, and that code verifies the phone', async () => {
    const id = await newUser();
    const to = uniquePhone();
    const patched = await patch(id, { contact: { phone: { number: to, sendCode: {} } } });
    expect(patched.status).toBe(200);
    expect(patched.body.phoneCode).toBeUndefined();

    const sms = await nthSms(to, 1);
    expect(sms).toMatchObject({ path: '/2010-04-01/Accounts/AC5150/Messages.json', username: 'AC5150', password: 'api-first-token' });
    expect(sms.form).toMatchObject({ To: to, From: '+41790005150' });
    const code = codeIn(sms);
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const pending = (await contactOf(id)).phone;
    expect({ number: pending.number, isVerified: pending.isVerified ?? false }).toEqual({ number: to, isVerified: false });

    const verified = await t.request('POST', `${USERS}/${id}/phone/_verify`, { token: await selfToken(id), body: code });
    expect(verified.status).toBe(200);
    expect((await contactOf(id)).phone).toMatchObject({ number: to, isVerified: true });
  });

  it('ResendContactPhoneCode sends a new code that verifies; the first one no longer does', async () => {
    const id = await newUser();
    const to = uniquePhone();
    expect((await patch(id, { contact: { phone: { number: to, sendCode: {} } } })).status).toBe(200);
    const first = codeIn(await nthSms(to, 1));

    t.clock.advance(61 * SECOND); // past the resend cool-down
    const resent = await t.request('POST', `${USERS}/${id}/phone/_resend`, { token: owner, body: { sendCode: {} } });
    expect(resent.status).toBe(200);
    expect(resent.body.verificationCode).toBeUndefined();
    const second = codeIn(await nthSms(to, 2));

    const self = await selfToken(id);
    if (second !== first) {
      expectZitadelError(await t.request('POST', `${USERS}/${id}/phone/_verify`, { token: self, body: first }), 400, 3, 'CODE-woT0xc');
    }
    expect((await t.request('POST', `${USERS}/${id}/phone/_verify`, { token: self, body: second })).status).toBe(200);
    expect((await contactOf(id)).phone.isVerified).toBe(true);
  });

  it('PatchUser with email sendCode and a urlTemplate: a text and HTML mail with the rendered link, whose code verifies', async () => {
    const id = await newUser();
    const address = `api-${id}@example.com`;
    const patched = await patch(id, {
      contact: { email: { address, sendCode: { urlTemplate: 'https://app.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}' } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.emailCode).toBeUndefined();

    const mail = await eventually(() => smtp.mails.find((m) => m.to.includes(address)));
    expect(mail).toMatchObject({ from: 'identity@example.com', subject: 'Verify your email address' });
    const text = mail.parts.find((p) => p.contentType === 'text/plain')?.body ?? '';
    const html = mail.parts.find((p) => p.contentType === 'text/html')?.body ?? '';
    const link = /https:\/\/app\.example\.com\/verify\?user=(\S+)&code=([A-Z0-9]{6})&org=(\S+)/.exec(text);
    expect(link?.slice(1)).toEqual([id, expect.any(String), 'org-1']);
    const code = link![2];
    expect(text).toContain(`Your verification code is ${code}.`);
    expect(html).toContain(`<strong>${code}</strong>`);
    expect(html).toContain(`href="https://app.example.com/verify?user=${id}&amp;code=${code}&amp;org=org-1"`);
    expect(mail.raw).not.toContain('{{');

    const verified = await t.request('POST', `${USERS}/${id}/email/_verify`, { token: await selfToken(id), body: code });
    expect(verified.status).toBe(200);
    expect((await contactOf(id)).email).toMatchObject({ address, isVerified: true });
  });

  it('a urlTemplate link carries the values URL-encoded: an organization id with & and # cannot reshape it', async () => {
    const org = 'org&next=https://evil.example/#x';
    const id = (await createUser(t, owner, { schemaId, data: { name: 'Gigi' } }, org)).id;
    const address = `encoded-${id}@example.com`;
    const patched = await patch(id, { contact: { email: { address, sendCode: { urlTemplate: 'https://app.example.com/v?org={{- .OrgID -}}&code={{.Code}}' } } } });
    expect(patched.status).toBe(200);

    const mail = await eventually(() => smtp.mails.find((m) => m.to.includes(address)));
    const text = mail.parts.find((p) => p.contentType === 'text/plain')?.body ?? '';
    const html = mail.parts.find((p) => p.contentType === 'text/html')?.body ?? '';
    const code = CODE.exec(/Your verification code is (\S+)\./.exec(text)?.[1] ?? '')?.[1];
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const link = `https://app.example.com/v?org=org%26next%3Dhttps%3A%2F%2Fevil.example%2F%23x&code=${code}`;
    expect(text).toContain(link);
    expect(html).toContain(`href="${link.replace('&code', '&amp;code')}"`);
    expect(mail.raw).not.toContain('evil.example/#');
  });

  it('a token rotated with PUT /admin/v1/sms/twilio/{id}/token is what the next message carries', async () => {
    const rotated = await t.request('PUT', `/admin/v1/sms/twilio/${providerId}/token`, { token: owner, body: { token: 'api-rotated-token' } });
    expect(rotated.status).toBe(200);
    const id = await newUser();
    const to = uniquePhone();
    expect((await patch(id, { contact: { phone: { number: to, sendCode: {} } } })).status).toBe(200);

    const sms = await nthSms(to, 1);
    expect(sms).toMatchObject({ username: 'AC5150', password: 'api-rotated-token' });
    expect((await t.request('POST', `${USERS}/${id}/phone/_verify`, { token: await selfToken(id), body: codeIn(sms) })).status).toBe(200);
  });

  it('refuses a 4th code to one number within 10 minutes with 429 (code 8), sends nothing, and keeps the pending code', async () => {
    const to = uniquePhone();
    const id = await newUser();
    expect((await patch(id, { contact: { phone: { number: to, sendCode: {} } } })).status).toBe(200);
    await nthSms(to, 1);

    // Sooner than the cool-down: refused as well.
    const early = await t.request('POST', `${USERS}/${id}/phone/_resend`, { token: owner, body: { sendCode: {} } });
    expectZitadelError(early, 429, 8, 'NOTIFY-c00ld0wn');

    for (const n of [2, 3]) {
      t.clock.advance(61 * SECOND);
      expect((await t.request('POST', `${USERS}/${id}/phone/_resend`, { token: owner, body: { sendCode: {} } })).status).toBe(200);
      await nthSms(to, n);
    }
    const third = codeIn(smsTo(to)[2]);

    // A 4th code for the same number, here through another user's PatchUser: the limit is per number.
    t.clock.advance(61 * SECOND);
    const other = await newUser();
    const refused = await patch(other, { contact: { phone: { number: to, sendCode: {} } } });
    expectZitadelError(refused, 429, 8, 'NOTIFY-l1m1t10m');
    expect(refused.text).not.toContain(to);
    expect((await contactOf(other))?.phone).toBeUndefined(); // the whole change was rolled back
    const resent = await t.request('POST', `${USERS}/${id}/phone/_resend`, { token: owner, body: { sendCode: {} } });
    expectZitadelError(resent, 429, 8, 'NOTIFY-l1m1t10m');

    // Nothing more goes out (give a wrongly queued message the time to arrive), and the third code still holds.
    await sleep(1000);
    expect(smsTo(to)).toHaveLength(3);
    expect((await t.query('SELECT id FROM notification_outbox WHERE recipient = ?', [to])).length).toBe(3);
    expect((await t.request('POST', `${USERS}/${id}/phone/_verify`, { token: await selfToken(id), body: third })).status).toBe(200);
  });
});

/**
 * The outbox relay is woken by the commit of every transaction that wrote a
 * code (on MySQL, transactions go to mysql2 directly and tell TypeORM's
 * subscribers themselves). With the relay's poll an hour of test time away,
 * only that wake-up can bring the code to Twilio.
 */
describe('A code leaves when its PATCH commits, not at the relay’s next poll', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    t = await TestApp.start({
      ...(defaultTopology() === 'mysql' ? { REDIS_URL: testRedisUrl() } : {}),
      TWILIO_BASE_URL: twilio.url,
      // The longest poll there is; the relay's first run at start-up is over before the PATCH.
      NOTIFICATION_RELAY_INTERVAL_MS: '60000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
  });

  it('PatchUser with sendCode reaches Twilio long before the poll would have moved it', async () => {
    const owner = await t.issuer.owner();
    const schemaId = await createSchema(t, owner);
    await activeTwilioProvider(t, owner, { sid: 'AC6060', token: 'wake-token', senderNumber: '+41790006060' });
    const id = (await createUser(t, owner, { schemaId, data: { name: 'Wake' } }, 'org-1')).id;
    const to = uniquePhone();

    const patched = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { contact: { phone: { number: to, sendCode: {} } } } });
    expect(patched.status).toBe(200);
    // eventually gives up after 15 s, a quarter of the poll interval.
    const sms = await eventually(() => twilio.acceptedMessages().find((r) => r.form.To === to));
    expect(sms.form.Body).toMatch(CODE);
  });
});
