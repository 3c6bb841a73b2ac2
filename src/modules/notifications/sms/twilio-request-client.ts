import twilio from 'twilio';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * The Twilio SDK's HTTP client with one change: with TWILIO_BASE_URL set,
 * every `https://<anything>.twilio.com` origin (api, verify, …) is replaced by
 * it, path and query unchanged. Test doubles and egress proxies sit there.
 */
export class TwilioRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string | undefined,
    timeoutMs: number,
  ) {
    // The SDK's own 429 retry stays off: retries are the queue's job, with back-off until the code expires.
    super({ timeout: timeoutMs, keepAlive: true, autoRetry: false });
  }

  override request<TData>(options: RequestOptions & { data?: TData }) {
    return super.request<TData>({ ...options, uri: rewriteTwilioUri(options.uri, this.baseUrl) });
  }
}

export function rewriteTwilioUri(uri: string, baseUrl: string | undefined): string {
  if (!baseUrl) return uri;
  const url = new URL(uri);
  if (url.hostname !== 'twilio.com' && !url.hostname.endsWith('.twilio.com')) return uri;
  return `${baseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}
