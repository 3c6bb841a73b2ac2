import { createHmac } from 'node:crypto';
import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { SecretBox } from '../src/common/crypto/secret-box';
import { outboxCodeAad } from '../src/modules/notifications/notification.entity';
import { testRedisUrl } from './support/environment';
import { eventually, sleep } from './support/eventually';
import { activeTwilioProvider, enqueueCode, outboxRow, uniquePhone } from './support/notifications';
import { sample } from './support/prometheus';
import { SmtpSink } from './support/smtp-sink';
import { TestApp } from './support/test-app';
import { TwilioStandIn } from './support/twilio-stand-in';
import { sentMarkKey } from '../src/modules/notifications/marks/redis-delivery-marks';
import Redis from 'ioredis';

jest.setTimeout(30_000);

describe('Notification delivery through BullMQ (Twilio, HTTP provider, SMTP)', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;
  let smtp: SmtpSink;
  let owner: string;

  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    smtp = await new SmtpSink().start();
    t = await TestApp.start({
      REDIS_URL: testRedisUrl(),
      TWILIO_BASE_URL: twilio.url,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'identity@example.com',
      NOTIFICATION_RETRY_BASE_MS: '50',
      // The HTTP provider stand-in below listens on loopback, which is refused unless listed.
      SMS_HTTP_ALLOWED_HOSTS: '127.0.0.1',
    });
    owner = await t.issuer.owner();
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
    await smtp?.stop();
  });

  afterEach(() => twilio.clearReplies());

  const sentRow = (id: string) => eventually(async () => ((await outboxRow(t, id)).state === 'sent' ? outboxRow(t, id) : undefined));
  const settledRow = (id: string) =>
    eventually(async () => {
      const row = await outboxRow(t, id);
      return row.state === 'sent' || row.state === 'failed' ? row : undefined;
    });

  describe('SMS through Twilio', () => {
    let providerId: string;
    beforeAll(async () => {
      providerId = await activeTwilioProvider(t, owner, { sid: 'AC11112222', token: 'first-auth-token', senderNumber: '+41790000001' });
    });

    it('posts the code to the Messages API with sid:token Basic auth, From and To', async () => {
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, code: 'ABC123' });

      const row = await sentRow(id);
      const [request] = twilio.acceptedMessages().filter((r) => r.form.To === to);
      expect(request).toMatchObject({ method: 'POST', path: '/2010-04-01/Accounts/AC11112222/Messages.json', username: 'AC11112222', password: 'first-auth-token' });
      expect(request.form).toMatchObject({ To: to, From: '+41790000001' });
      expect(request.form.Body).toContain('ABC123');
      expect(row).toMatchObject({ attempts: 1, last_error: null, provider_id: providerId, code_ciphertext: null });
      expect(row.provider_message_id).toMatch(/^SM/);
      expect(row.sent_at).not.toBeNull();
    });

    it('uses a token rotated a moment ago for the very next message', async () => {
      const rotated = await t.request('PUT', `/admin/v1/sms/twilio/${providerId}/token`, { token: owner, body: { token: 'rotated-auth-token' } });
      expect(rotated.status).toBe(200);
      const to = uniquePhone();
      await sentRow(await enqueueCode(t, { recipient: to }));
      expect(twilio.acceptedMessages().find((r) => r.form.To === to)).toMatchObject({ username: 'AC11112222', password: 'rotated-auth-token' });
    });

    it('has several Twilio requests open at once (Twilio can be asked afterwards what it accepted), each announced by a "sending" mark', async () => {
      twilio.reply({ hold: true }, { hold: true }, { hold: true });
      const phones = [uniquePhone(), uniquePhone(), uniquePhone()];
      const ids: string[] = [];
      for (const recipient of phones) ids.push(await enqueueCode(t, { recipient }));
      const ours = () => twilio.messageRequests().filter((r) => phones.includes(r.form.To));
      await eventually(() => ours().length === 3);
      const marks = new Redis(testRedisUrl());
      try {
        const values = await marks.mget(ids.map((id) => sentMarkKey(t.config.queuePrefix, id)));
        expect(values.map((value) => JSON.parse(value ?? 'null'))).toEqual(ids.map(() => ({ sending: true, attempts: 1, providerId })));

        twilio.releaseHeld();
        for (const id of ids) await sentRow(id);
        expect(ours().every((r) => r.status === 201)).toBe(true);
        // Nobody was in doubt: nothing was looked up, and the marks are gone with the rows recorded sent.
        expect(twilio.messageLookups()).toHaveLength(0);
        await eventually(async () => (await marks.mget(ids.map((id) => sentMarkKey(t.config.queuePrefix, id)))).every((value) => value === null));
      } finally {
        marks.disconnect();
      }
    });

    it('retries Twilio 503 with back-off and delivers on the third attempt', async () => {
      twilio.reply({ status: 503, code: 20503 }, { status: 503, code: 20503 });
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to });

      const row = await sentRow(id);
      expect(twilio.messageRequests().filter((r) => r.form.To === to).map((r) => r.status)).toEqual([503, 503, 201]);
      expect(row).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
      // A 503 may come from a Twilio that stored the message before failing: each next attempt asked first.
      expect(twilio.messageLookups().filter((r) => r.form.To === to)).toHaveLength(2);
    });

    it('retries Twilio 429 without asking first: a 4xx is Twilio refusing the message', async () => {
      twilio.reply({ status: 429, code: 20429 });
      const to = uniquePhone();
      const row = await sentRow(await enqueueCode(t, { recipient: to }));
      expect(twilio.messageRequests().filter((r) => r.form.To === to).map((r) => r.status)).toEqual([429, 201]);
      expect(twilio.messageLookups().filter((r) => r.form.To === to)).toHaveLength(0);
      expect(row).toMatchObject({ state: 'sent', attempts: 2 });
    });

    it('stops at once on Twilio 21211 (invalid number): failed after one attempt, reason kept, code wiped', async () => {
      twilio.reply({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to });

      const row = await settledRow(id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1, code_ciphertext: null, sent_at: null });
      expect(row.last_error).toContain('21211');
      // Give a wrongly scheduled retry the time to show up.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(1);
    });

    it('counts deliveries by channel and outcome in /metrics: a retry, a send, a dead letter', async () => {
      const count = async (outcome: string) => sample((await t.request('GET', '/metrics')).text, 'identity_notification_deliveries_total', { channel: 'sms', outcome }) ?? 0;
      const before = { sent: await count('sent'), retry: await count('retry'), failed: await count('failed') };

      twilio.reply({ status: 503 });
      await sentRow(await enqueueCode(t, { recipient: uniquePhone() }));
      twilio.reply({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
      await settledRow(await enqueueCode(t, { recipient: uniquePhone() }));

      expect({ sent: await count('sent'), retry: await count('retry'), failed: await count('failed') }).toEqual({
        sent: before.sent + 1,
        retry: before.retry + 1,
        failed: before.failed + 1,
      });
    });

    it('stops retrying when the code expires before the next attempt', async () => {
      twilio.reply(...Array.from({ length: 20 }, () => ({ status: 500 })));
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, expiresAt: new Date(t.clock.now().getTime() + 1500) });

      const row = await settledRow(id);
      expect(row.state).toBe('failed');
      // Either the retry was not scheduled, or it came due after the expiry: both end the retries.
      expect(row.last_error).toMatch(/gave up: the code expires before the next attempt|the code expired before it could be delivered/);
      expect(row.attempts).toBeGreaterThan(1);
    });

    it('delivers a row whose id happens to be a plain integer (BullMQ refuses such job ids as they are)', async () => {
      const to = uniquePhone();
      const id = String(1_000_000 + Math.floor(Math.random() * 1_000_000));
      const sealed = t.app.get(SecretBox).seal('INT123', outboxCodeAad(id));
      const now = t.clock.now();
      await t.execute(
        `INSERT INTO notification_outbox (id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, state, attempts, created_at, updated_at, expires_at)
         VALUES (?, 'sms', 'verify_phone', ?, 'u1', 'org-1', ?, ?, 'pending', 0, ?, ?, ?)`,
        [id, to, sealed.ciphertext, sealed.keyId, now, now, new Date(now.getTime() + 600_000)],
      );
      await sentRow(id);
      expect(twilio.acceptedMessages().find((r) => r.form.To === to)?.form.Body).toContain('INT123');
    });

    it('never sends a code that expired before its turn', async () => {
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, expiresAt: new Date(t.clock.now().getTime() - 1000) });
      const row = await settledRow(id);
      expect(row).toMatchObject({ state: 'failed', code_ciphertext: null });
      expect(twilio.requests.filter((r) => r.form.To === to)).toHaveLength(0);
    });
  });

  describe('Twilio Verify', () => {
    it('asks Verify to send a code for a notification without code', async () => {
      const providerId = await activeTwilioProvider(t, owner, { sid: 'AC33334444', token: 'verify-token', verifyServiceSid: 'VA0011' });
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, code: undefined });
      const row = await sentRow(id);
      expect(row).toMatchObject({ provider_id: providerId });
      expect(row.provider_message_id).toMatch(/^VE/);
      const start = twilio.requests.find((r) => r.path === '/v2/Services/VA0011/Verifications' && r.form.To === to);
      expect(start).toMatchObject({ username: 'AC33334444', password: 'verify-token', form: { To: to, Channel: 'sms' } });
    });

    it('sends our own code through the Messages API even while Verify is active', async () => {
      await activeTwilioProvider(t, owner, { sid: 'AC55556666', token: 't', verifyServiceSid: 'VA0022' });
      const to = uniquePhone();
      await sentRow(await enqueueCode(t, { recipient: to, code: 'OWN123' }));
      expect(twilio.acceptedMessages().find((r) => r.form.To === to)?.form.Body).toContain('OWN123');
    });
  });

  describe('SMS through the HTTP provider', () => {
    let endpoint: Server;
    const received: Array<{ body: string; signature: string }> = [];
    const failures: number[] = [];
    /** While set, requests get no answer until released. */
    let holding = false;
    const held: Array<() => void> = [];
    let endpointUrl = '';

    beforeAll(async () => {
      endpoint = createServer(async (request: IncomingMessage, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['zitadel-signature'] ?? '') });
        if (holding) return void held.push(() => response.end());
        response.statusCode = failures.shift() ?? 200;
        response.end();
      });
      await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
      endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/sms`;
    });
    afterAll(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

    it('posts a signed JSON payload; a non-2xx answer is a failed attempt that is retried', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: endpointUrl, description: 'relay' } });
      const signingKey: string = added.body.signingKey;
      await t.request('POST', `/admin/v1/sms/${added.body.id}/_activate`, { token: owner });
      failures.push(500);
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, code: 'HTTP42', userId: '69629026806489455' });

      const row = await sentRow(id);
      expect(row).toMatchObject({ attempts: 2, provider_id: added.body.id });
      const mine = received.filter((r) => r.body.includes(to));
      expect(mine).toHaveLength(2);
      const { body, signature } = mine[1];
      const [, t1, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
      expect(createHmac('sha256', signingKey).update(`${t1}.${body}`).digest('hex')).toBe(v1);
      expect(JSON.parse(body)).toEqual({
        contextInfo: { eventType: 'user.human.phone.code.added', provider: { id: added.body.id, description: 'relay' } },
        templateData: { Code: 'HTTP42', UserID: '69629026806489455', OrgID: 'org-1', Text: expect.stringContaining('HTTP42') },
        messageContent: {
          SenderPhoneNumber: '',
          RecipientPhoneNumber: to,
          Content: expect.stringContaining('HTTP42'),
          TriggeringEventType: 'user.human.phone.code.added',
        },
      });
    });

    it('has one request open at a time (the endpoint cannot be asked what it accepted, so a worker that dies leaves at most one message in doubt)', async () => {
      // The HTTP provider of the test before is still the active one.
      holding = true;
      const phones = [uniquePhone(), uniquePhone(), uniquePhone()];
      const ids: string[] = [];
      for (const recipient of phones) ids.push(await enqueueCode(t, { recipient }));
      const ours = () => received.filter((r) => phones.some((phone) => r.body.includes(phone)));
      await eventually(() => ours().length > 0);
      await sleep(700); // time for other requests to start, if they could
      expect(ours()).toHaveLength(1);

      holding = false;
      for (const release of held.splice(0)) release();
      for (const id of ids) await sentRow(id);
      expect(ours()).toHaveLength(3);
    });
  });

  describe('no active provider', () => {
    it('keeps retrying and sends once a provider is activated', async () => {
      const list = await t.request('POST', '/admin/v1/sms/_search', { token: owner, body: {} });
      const active = list.body.result.find((p: { state: string }) => p.state === 'SMS_PROVIDER_CONFIG_ACTIVE');
      await t.request('POST', `/admin/v1/sms/${active.id}/_deactivate`, { token: owner });
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to });

      await eventually(async () => ((await outboxRow(t, id)).attempts >= 2 ? true : undefined));
      expect(await outboxRow(t, id)).toMatchObject({ state: 'queued', last_error: 'no active SMS provider' });
      await activeTwilioProvider(t, owner, { sid: 'AC77778888', token: 'late-token' });
      await sentRow(id);
      expect(twilio.acceptedMessages().filter((r) => r.form.To === to)).toEqual([expect.objectContaining({ username: 'AC77778888' })]);
    });
  });

  describe('email through SMTP', () => {
    it('mails the code in text and HTML with the rendered link', async () => {
      const id = await enqueueCode(t, {
        channel: 'email',
        purpose: 'verify_email',
        recipient: 'gigi@example.com',
        userId: 'user-7',
        organizationId: 'org-9',
        code: 'MAIL42',
        urlTemplate: 'https://app.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}',
      });
      const row = await sentRow(id);
      const mail = smtp.mails.find((m) => m.to.includes('gigi@example.com'))!;
      expect(mail).toMatchObject({ from: 'identity@example.com', subject: 'Verify your email address' });
      expect(mail.decoded).toContain('MAIL42');
      expect(mail.decoded).toContain('https://app.example.com/verify?user=user-7&code=MAIL42&org=org-9');
      expect(mail.decoded).not.toContain('{{');
      expect(mail.raw).toMatch(/Content-Type: text\/plain/i);
      expect(mail.raw).toMatch(/Content-Type: text\/html/i);
      expect(row.provider_message_id).toBeTruthy();
    });

    it('stops at once on an SMTP 5xx answer', async () => {
      smtp.rejectNext(550);
      const id = await enqueueCode(t, { channel: 'email', purpose: 'verify_email', recipient: 'nobody@example.com' });
      const row = await settledRow(id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toMatch(/SMTP 550/);
    });
  });
});

describe('NOTIFICATION_TWILIO_SEND_CONCURRENCY', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    t = await TestApp.start({ REDIS_URL: testRedisUrl(), TWILIO_BASE_URL: twilio.url, NOTIFICATION_TWILIO_SEND_CONCURRENCY: '3' });
    await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC33334444', token: 'auth-token', senderNumber: '+41790000003' });
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
  });

  it('opens that many Twilio requests at once, and no more', async () => {
    twilio.reply({ hold: true }, { hold: true }, { hold: true });
    const phones = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    const ids: string[] = [];
    for (const recipient of phones) ids.push(await enqueueCode(t, { recipient }));
    const ours = () => twilio.messageRequests().filter((r) => phones.includes(r.form.To));
    await eventually(() => ours().length >= 3);
    await sleep(700); // time for a fourth request to start, if it could
    expect(ours()).toHaveLength(3);

    twilio.releaseHeld();
    for (const id of ids) await eventually(async () => (await outboxRow(t, id)).state === 'sent');
    expect(ours()).toHaveLength(4);
  });
});
