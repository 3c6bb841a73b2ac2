import { RELAXED_SEND_LIMITS } from './support/notifications';
import { SecretBox } from '../src/common/crypto/secret-box';
import { outboxCodeAad } from '../src/modules/notifications/notification.entity';
import { TestApp, expectZitadelError } from './support/test-app';
import { RFC3339, USERS, createSchema, createUser, dbDate, json, snapshot, userRow } from './support/users-fixture';

const TEN_MINUTES = 10 * 60_000;

describe('User contacts and verification codes (v3alpha over REST)', () => {
  let t: TestApp;
  let owner: string;
  let schemaId: string;

  beforeAll(async () => {
    t = await TestApp.start(RELAXED_SEND_LIMITS);
    owner = await t.issuer.owner({ org: 'org-1' });
    schemaId = await createSchema(t, owner);
  });
  afterAll(() => t.close());

  const newUser = async (contact?: Record<string, unknown>) => (await createUser(t, owner, { schemaId, data: { name: 'Gigi' }, contact })).id;
  const setEmail = (id: string, body: unknown, token = owner) => t.request('PUT', `${USERS}/${id}/email`, { token, body });
  const setPhone = (id: string, body: unknown, token = owner) => t.request('PUT', `${USERS}/${id}/phone`, { token, body });
  const verify = (id: string, channel: 'email' | 'phone', code: unknown, token = owner) =>
    t.request('POST', `${USERS}/${id}/${channel}/_verify`, { token, body: code });
  const resend = (id: string, channel: 'email' | 'phone', body: unknown, token = owner) =>
    t.request('POST', `${USERS}/${id}/${channel}/_resend`, { token, body });
  const contactOf = async (id: string) => (await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.contact;
  const codeRow = async (id: string, channel: string) => (await t.query('SELECT * FROM verification_codes WHERE user_id = ? AND channel = ?', [id, channel]))[0];
  const outboxOf = (id: string) => t.query('SELECT * FROM notification_outbox WHERE user_id = ? ORDER BY created_at, id', [id]);
  /** A code that differs from the given one in every position. */
  const wrong = (code: string) => [...code].map((c) => (c === 'A' ? 'B' : 'A')).join('');

  /** Everything the service stored, as text: a code must appear nowhere in it. */
  const storedText = async () => (await snapshot(t)) + JSON.stringify(await t.query('SELECT * FROM notification_outbox'));

  describe('SetContactEmail', () => {
    it('returnCode: answers the code, stores only its keyed hash and sends nothing', async () => {
      const id = await newUser();
      const response = await setEmail(id, { address: 'gigi@example.com', returnCode: {} });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } },
        verificationCode: expect.stringMatching(/^[A-Z0-9]{6}$/),
      });
      const code = response.body.verificationCode;
      const row = await codeRow(id, 'email');
      expect(row).toMatchObject({ generator: 'local', failed_attempts: 0, code_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(dbDate(row.expires_at).getTime() - new Date(response.body.details.changed).getTime()).toBe(TEN_MINUTES);
      expect(await storedText()).not.toContain(code);
      expect(await outboxOf(id)).toEqual([]);
      expect(await contactOf(id)).toEqual({ email: { address: 'gigi@example.com' } });
    });

    it('sendCode: queues the mail in the same change (recipient, channel, template), with the code sealed', async () => {
      const id = await newUser();
      const template = 'https://app.example.com/verify?u={{.UserID}}&c={{ .Code }}&o={{.OrgID}}';
      const response = await setEmail(id, { address: 'send@example.com', sendCode: { urlTemplate: template } });
      expect(response.status).toBe(200);
      expect(response.body.verificationCode).toBeUndefined();
      const [row] = await outboxOf(id);
      expect(row).toMatchObject({
        channel: 'email',
        purpose: 'verify_email',
        recipient: 'send@example.com',
        organization_id: 'org-1',
        url_template: template,
        state: expect.stringMatching(/^(pending|queued)$/),
        code_key_id: expect.stringMatching(/^mk1-/),
      });
      // The sealed code is the pending one: it opens with the master key and verifies the address.
      const code = t.app.get(SecretBox).open({ ciphertext: row.code_ciphertext, keyId: row.code_key_id }, outboxCodeAad(row.id));
      expect(code).toMatch(/^[A-Z0-9]{6}$/);
      expect(await storedText()).not.toContain(code);
      expect(dbDate(row.expires_at).getTime()).toBe(dbDate((await codeRow(id, 'email')).expires_at).getTime());
      expect((await verify(id, 'email', code)).status).toBe(200);
      expect(await contactOf(id)).toEqual({ email: { address: 'send@example.com', isVerified: true } });
    });

    it('no option: behaves like sendCode without a template', async () => {
      const id = await newUser();
      expect((await setEmail(id, { address: 'plain@example.com' })).status).toBe(200);
      const rows = await outboxOf(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ channel: 'email', recipient: 'plain@example.com', url_template: null });
    });

    it('isVerified: verified at once, no code and nothing sent', async () => {
      const id = await newUser();
      const response = await setEmail(id, { address: 'trusted@example.com', isVerified: true });
      expect(response.body.verificationCode).toBeUndefined();
      expect(await contactOf(id)).toEqual({ email: { address: 'trusted@example.com', isVerified: true } });
      expect(await codeRow(id, 'email')).toBeUndefined();
      expect(await outboxOf(id)).toEqual([]);
    });

    it('the stored address again changes nothing: no code, no mail, not even verified with isVerified', async () => {
      const id = await newUser({ email: { address: 'same@example.com', returnCode: {} } });
      const before = await snapshot(t);
      for (const body of [{ address: 'same@example.com' }, { address: 'same@example.com', returnCode: {} }, { address: 'same@example.com', isVerified: true }]) {
        const response = await setEmail(id, body);
        expect(response.status).toBe(200);
        expect(response.body.verificationCode).toBeUndefined();
      }
      expect(await snapshot(t)).toBe(before);
      expect(await contactOf(id)).toEqual({ email: { address: 'same@example.com' } });
    });

    it('a new address resets verification and drops the pending code', async () => {
      const id = await newUser({ email: { address: 'first@example.com', isVerified: true } });
      const first = await setEmail(id, { address: 'second@example.com', returnCode: {} });
      expect(await contactOf(id)).toEqual({ email: { address: 'second@example.com' } });
      await setEmail(id, { address: 'third@example.com', returnCode: {} });
      expectZitadelError(await verify(id, 'email', first.body.verificationCode), 400, 3, 'CODE-woT0xc');
      const log = await t.query('SELECT event_type, payload FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((entry) => entry.event_type)).toEqual(['user.created', 'user.email.changed', 'user.email.changed']);
      expect(json(log[1].payload)).toEqual({ email: { address: 'second@example.com', verified: false } });
    });

    it.each([
      ['an invalid address', { address: 'gigi at example.com' }, 'EMAIL-599BI'],
      ['an address of 201 characters', { address: `${'g'.repeat(189)}@example.com` }, undefined],
      ['a blank address', { address: '   ' }, 'EMAIL-spblu'],
      ['isVerified: false', { address: 'x@example.com', isVerified: false }, undefined],
      ['two options', { address: 'x@example.com', sendCode: {}, returnCode: {} }, undefined],
      ['an unknown template field', { address: 'x@example.com', sendCode: { urlTemplate: '{{.Password}}' } }, 'DOMAIN-ieYa7'],
      ['a template function', { address: 'x@example.com', sendCode: { urlTemplate: '{{html .Code}}' } }, 'DOMAIN-oGh5e'],
      ['an unknown field', { address: 'x@example.com', verify: true }, undefined],
      ['no body', undefined, undefined],
      ['a string body', 'x@example.com', undefined],
    ])('refuses %s with 400 code 3 and changes nothing', async (_case, body, errorId) => {
      const id = await newUser();
      const before = await snapshot(t);
      expectZitadelError(await setEmail(id, body), 400, 3, errorId);
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('SetContactPhone', () => {
    it('normalises to E.164 (default region CH) and returns the code with returnCode', async () => {
      const id = await newUser();
      const response = await setPhone(id, { number: '079 123 45 67', returnCode: {} });
      expect(response.body.verificationCode).toMatch(/^[A-Z0-9]{6}$/);
      expect(await contactOf(id)).toEqual({ phone: { number: '+41791234567' } });
      expect((await verify(id, 'phone', response.body.verificationCode)).status).toBe(200);
      expect(await contactOf(id)).toEqual({ phone: { number: '+41791234567', isVerified: true } });
    });

    it('sendCode and no option queue an SMS; the same number in another spelling changes nothing', async () => {
      const id = await newUser();
      await setPhone(id, { number: '+41 79 123 45 67', sendCode: {} });
      expect((await outboxOf(id)).map((row) => [row.channel, row.purpose, row.recipient, row.url_template])).toEqual([
        ['sms', 'verify_phone', '+41791234567', null],
      ]);
      const sequence = (await userRow(t, id)).sequence;
      expect((await setPhone(id, { number: '0791234567' })).status).toBe(200);
      expect((await userRow(t, id)).sequence).toBe(sequence);
      await setPhone(id, { number: '+4915112345678' });
      expect((await outboxOf(id)).map((row) => row.recipient)).toEqual(['+41791234567', '+4915112345678']);
    });

    it.each([
      ['letters', { number: 'not a number' }, 'PHONE-so0wa'],
      ['too few digits', { number: '12' }, 'PHONE-so0wa'],
      ['21 characters', { number: '+41 79 123 45 67 8901' }, undefined],
      ['a number of the wrong JSON type', { number: 41791234567 }, undefined],
      ['a urlTemplate (phones have none)', { number: '+41791234567', sendCode: { urlTemplate: 'x' } }, undefined],
    ])('refuses %s with 400 code 3 and changes nothing', async (_case, body, errorId) => {
      const id = await newUser();
      const before = await snapshot(t);
      expectZitadelError(await setPhone(id, body), 400, 3, errorId);
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('VerifyContactEmail / VerifyContactPhone: the code life cycle', () => {
    it('the right code verifies once; the code is gone afterwards', async () => {
      const id = await newUser({ email: { address: 'life@example.com', returnCode: {} } });
      const code = (await resend(id, 'email', { returnCode: {} })).body.verificationCode;
      const response = await verify(id, 'email', code);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } } });
      expect(await contactOf(id)).toEqual({ email: { address: 'life@example.com', isVerified: true } });
      expect(await codeRow(id, 'email')).toBeUndefined();
      // Nothing pending any more: 200 and no change, as in ZITADEL; the code does not work a second time.
      const sequence = (await userRow(t, id)).sequence;
      expect((await verify(id, 'email', code)).status).toBe(200);
      expect((await verify(id, 'email', 'ZZZZZZ')).status).toBe(200);
      expect((await userRow(t, id)).sequence).toBe(sequence);
    });

    it('five wrong codes invalidate the code: each is counted and committed, then even the right code is refused', async () => {
      const id = await newUser();
      const code = (await setPhone(id, { number: '+41791234567', returnCode: {} })).body.verificationCode;
      for (let attempt = 1; attempt <= 5; attempt++) {
        expectZitadelError(await verify(id, 'phone', wrong(code)), 400, 3, 'CODE-woT0xc');
        expect((await codeRow(id, 'phone')).failed_attempts).toBe(attempt);
      }
      const refused = await verify(id, 'phone', code);
      expectZitadelError(refused, 400, 3, 'CODE-woT0xcMax');
      expect(refused.text).not.toContain(code);
      expect(await contactOf(id)).toEqual({ phone: { number: '+41791234567' } });
      // A new code starts afresh.
      const fresh = (await resend(id, 'phone', { returnCode: {} })).body.verificationCode;
      expect((await codeRow(id, 'phone')).failed_attempts).toBe(0);
      expect((await verify(id, 'phone', fresh)).status).toBe(200);
    });

    it('four wrong codes still leave the right one working', async () => {
      const id = await newUser();
      const code = (await setEmail(id, { address: 'four@example.com', returnCode: {} })).body.verificationCode;
      for (let i = 0; i < 4; i++) await verify(id, 'email', wrong(code));
      expect((await verify(id, 'email', code)).status).toBe(200);
    });

    it('a code is valid for 10 minutes (injected clock)', async () => {
      const id = await newUser();
      const early = (await setEmail(id, { address: 'clock@example.com', returnCode: {} })).body.verificationCode;
      t.clock.advance(TEN_MINUTES - 1_000);
      expect((await verify(id, 'email', early)).status).toBe(200);

      const late = (await setEmail(id, { address: 'clock2@example.com', returnCode: {} })).body.verificationCode;
      t.clock.advance(TEN_MINUTES + 1);
      const expired = await verify(id, 'email', late);
      expectZitadelError(expired, 400, 9, 'CODE-QvUQ4P');
      expect(await contactOf(id)).toEqual({ email: { address: 'clock2@example.com' } });
      // Resend gives a fresh 10 minutes.
      const renewed = (await resend(id, 'email', { returnCode: {} })).body.verificationCode;
      t.clock.advance(TEN_MINUTES - 1_000);
      expect((await verify(id, 'email', renewed)).status).toBe(200);
    });

    it('codes are case-sensitive and bound to their channel and user', async () => {
      const a = await newUser();
      const b = await newUser();
      const emailCode = (await setEmail(a, { address: 'a@example.com', returnCode: {} })).body.verificationCode;
      await setPhone(a, { number: '+41791234567', returnCode: {} });
      await setEmail(b, { address: 'a@example.com', returnCode: {} });
      expectZitadelError(await verify(a, 'phone', emailCode), 400, 3, 'CODE-woT0xc');
      expectZitadelError(await verify(b, 'email', emailCode), 400, 3, 'CODE-woT0xc');
      if (/[A-Z]/.test(emailCode)) expectZitadelError(await verify(a, 'email', emailCode.toLowerCase()), 400, 3, 'CODE-woT0xc');
      expect((await verify(a, 'email', emailCode)).status).toBe(200);
    });

    it.each([
      ['an empty code', ''],
      ['a code of 21 characters', 'A'.repeat(21)],
      ['an object instead of a bare string', { verificationCode: 'ABC123' }],
      ['a number', 123456],
    ])('refuses %s with 400 code 3 and counts no attempt', async (_case, body) => {
      const id = await newUser({ email: { address: 'shape@example.com', returnCode: {} } });
      expectZitadelError(await verify(id, 'email', body), 400, 3);
      expect((await codeRow(id, 'email')).failed_attempts).toBe(0);
    });

    it('never puts a code into the change log or an error', async () => {
      const id = await newUser();
      const code = (await setEmail(id, { address: 'log@example.com', returnCode: {} })).body.verificationCode;
      const failed = await verify(id, 'email', wrong(code));
      await verify(id, 'email', code);
      const log = JSON.stringify(await t.query('SELECT * FROM change_log WHERE aggregate_id = ?', [id]));
      expect(log).not.toContain(code);
      expect(failed.text).not.toContain(code);
      expect(failed.text).not.toContain(wrong(code));
    });
  });

  describe('ResendContactEmailCode / ResendContactPhoneCode', () => {
    it('replaces the pending code: the old one stops working, the new one works', async () => {
      const id = await newUser();
      const old = (await setEmail(id, { address: 'resend@example.com', returnCode: {} })).body.verificationCode;
      const response = await resend(id, 'email', { returnCode: {} });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ details: expect.objectContaining({ id }), verificationCode: expect.stringMatching(/^[A-Z0-9]{6}$/) });
      const fresh = response.body.verificationCode;
      if (fresh !== old) expectZitadelError(await verify(id, 'email', old), 400, 3, 'CODE-woT0xc');
      expect((await verify(id, 'email', fresh)).status).toBe(200);
    });

    it('sends with sendCode (and its template) or no option, and always records a change', async () => {
      const id = await newUser({ email: { address: 'again@example.com', returnCode: {} } });
      const sequence = (await userRow(t, id)).sequence;
      expect((await resend(id, 'email', { sendCode: { urlTemplate: 'https://x.example/{{.Code}}' } })).body.verificationCode).toBeUndefined();
      expect((await resend(id, 'email', {})).status).toBe(200);
      expect((await resend(id, 'email', undefined)).status).toBe(200);
      expect((await outboxOf(id)).map((row) => [row.channel, row.recipient, row.url_template])).toEqual([
        ['email', 'again@example.com', 'https://x.example/{{.Code}}'],
        ['email', 'again@example.com', null],
        ['email', 'again@example.com', null],
      ]);
      expect((await userRow(t, id)).sequence).toBe(sequence + 3);
    });

    // npm run fuzz found {"sendCode":{"urlTemplate":null}} answered 500: null went on to the template parser.
    it('takes a null urlTemplate as not set, as protojson does', async () => {
      const id = await newUser({ email: { address: 'null-template@example.com', returnCode: {} } });
      expect((await resend(id, 'email', { sendCode: { urlTemplate: null } })).status).toBe(200);
      expect((await setEmail(id, { address: 'null-template-2@example.com', sendCode: { urlTemplate: null } })).status).toBe(200);
      expect((await outboxOf(id)).map((row) => [row.recipient, row.url_template])).toEqual([
        ['null-template@example.com', null],
        ['null-template-2@example.com', null],
      ]);
    });

    it('takes a null option as not set, beside another option or alone', async () => {
      const id = await newUser({ email: { address: 'null-option@example.com', returnCode: {} } });
      const returned = await resend(id, 'email', { returnCode: {}, sendCode: null });
      expect(returned.status).toBe(200);
      expect(returned.body.verificationCode).toMatch(/^[A-Z0-9]{6}$/);
      expect(await outboxOf(id)).toEqual([]);
      expect((await resend(id, 'email', { sendCode: null, returnCode: null })).status).toBe(200);
      expect((await outboxOf(id)).map((row) => row.recipient)).toEqual(['null-option@example.com']);
    });

    it('resends phone codes by SMS', async () => {
      const id = await newUser({ phone: { number: '+41791234567', returnCode: {} } });
      expect((await resend(id, 'phone', { sendCode: {} })).status).toBe(200);
      expect((await outboxOf(id)).map((row) => [row.channel, row.purpose, row.recipient])).toEqual([['sms', 'verify_phone', '+41791234567']]);
    });

    it('answers 400 code 9 without a pending code (none sent, or verified already)', async () => {
      const id = await newUser({ email: { address: 'done@example.com', isVerified: true } });
      expectZitadelError(await resend(id, 'email', {}), 400, 9, 'COMMAND-QRkNTBwF8q');
      expectZitadelError(await resend(id, 'phone', {}), 400, 9, 'COMMAND-fEsHdqECzb');
      expect(await outboxOf(id)).toEqual([]);
    });

    it('refuses two options and an unknown template field', async () => {
      const id = await newUser({ email: { address: 'opts@example.com', returnCode: {} } });
      const before = await snapshot(t);
      expectZitadelError(await resend(id, 'email', { sendCode: {}, returnCode: {} }), 400, 3);
      expectZitadelError(await resend(id, 'email', { sendCode: { urlTemplate: '{{.Nope}}' } }), 400, 3, 'DOMAIN-ieYa7');
      expectZitadelError(await resend(id, 'phone', { sendCode: { urlTemplate: 'x' } }), 400, 3);
      expect(await snapshot(t)).toBe(before);
    });
  });

  it('a refused change queues nothing', async () => {
    const id = await newUser();
    const before = (await t.query('SELECT COUNT(*) AS n FROM notification_outbox'))[0].n;
    expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { age: 1 }, contact: { email: { address: 'tx2@example.com' } } } }), 400, 9);
    expect((await t.query('SELECT COUNT(*) AS n FROM notification_outbox'))[0].n).toBe(before);
  });
});
