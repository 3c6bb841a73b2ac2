import { twilioDateTime } from '../../../../test/support/twilio-stand-in';
import { SmsMessage } from './sms-sender';
import { TwilioRequestClient } from './twilio-request-client';
import { TwilioSmsSender } from './twilio-sms-sender';

/** The SDK's HTTP client, answering every request with one page of messages. */
function listingClient(messages: Array<Record<string, unknown>>) {
  const requests: Array<{ method?: string; uri?: string; params?: Record<string, unknown> }> = [];
  const client = {
    async request(options: { method?: string; uri?: string; params?: Record<string, unknown> }) {
      requests.push({ method: options.method, uri: options.uri, params: options.params });
      const body = { messages, page: 0, page_size: 50, start: 0, end: messages.length, uri: '/x', first_page_uri: '/x', next_page_uri: null, previous_page_uri: null };
      return { statusCode: 200, body: JSON.stringify(body), headers: {} };
    },
  };
  return { client: client as unknown as TwilioRequestClient, requests };
}

const sender = (client: TwilioRequestClient) =>
  new TwilioSmsSender({ providerId: 'p1', sid: 'AC123', token: 'secret', senderNumber: '+41790000001', verifyServiceSid: '' }, client);

const message: SmsMessage = {
  notificationId: 'n1',
  to: '+41791112233',
  code: 'K3T9QZ',
  text: 'Your verification code is K3T9QZ. It is valid for 10 minutes.',
  userId: 'u1',
  organizationId: 'o1',
  eventType: 'user.human.phone.code.added',
};
const since = new Date('2026-12-03T09:00:00Z');
const rfc2822 = (iso: string) => twilioDateTime(new Date(iso));

describe('TwilioSmsSender.lookUp', () => {
  it('asks for the newest page of messages from the sender number to the recipient', async () => {
    const { client, requests } = listingClient([]);
    expect(await sender(client).lookUp(message, since)).toBeNull();
    expect(requests).toHaveLength(1);
    expect(requests[0].method?.toUpperCase()).toBe('GET');
    expect(requests[0].uri).toBe('https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json');
    expect(requests[0].params).toMatchObject({ To: '+41791112233', From: '+41790000001', PageSize: 50 });
  });

  it('finds the message that carries the text, also behind a trial account prefix', async () => {
    const { client } = listingClient([
      { sid: 'SMother', body: 'Your verification code is AAAAAA. It is valid for 10 minutes.', date_created: rfc2822('2026-12-03T09:05:00Z') },
      { sid: 'SMours', body: `Sent from your Twilio trial account - ${message.text}`, date_created: rfc2822('2026-12-03T09:04:00Z') },
    ]);
    expect(await sender(client).lookUp(message, since)).toEqual({ providerMessageId: 'SMours' });
  });

  it('does not take a message with the same text created before `since`', async () => {
    const { client } = listingClient([{ sid: 'SMold', body: message.text, date_created: rfc2822('2026-12-03T08:59:59Z') }]);
    expect(await sender(client).lookUp(message, since)).toBeNull();
  });

  it('can look up our own codes, not Twilio Verify notifications (Verify makes the code and cannot be listed)', () => {
    const { client } = listingClient([]);
    expect(sender(client).canLookUp(message)).toBe(true);
    expect(sender(client).canLookUp({ ...message, code: undefined, text: undefined })).toBe(false);
  });
});
