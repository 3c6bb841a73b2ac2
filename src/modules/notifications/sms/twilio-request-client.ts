import twilio from 'twilio';
import type SdkRequestClient from 'twilio/lib/base/RequestClient';
import type SdkResponse from 'twilio/lib/http/response';
import { Agent, request } from 'undici';

/**
 * The HTTP client the Twilio SDK sends through (its documented `httpClient`
 * option), on undici instead of the SDK's axios: axios's per-request
 * configuration merging was a quarter of a code's delivery CPU in the queue
 * burst's profile. It does what the SDK's client does with the options the
 * SDK hands it (basic auth or auth strategy, form or JSON body, repeated
 * query keys, no redirects, no retries: those are the queue's job) and one
 * thing more: with TWILIO_BASE_URL set, every `https://<anything>.twilio.com`
 * origin (api, verify, …) is replaced by it, path and query unchanged. Test
 * doubles and egress proxies sit there.
 */
export class TwilioRequestClient extends twilio.RequestClient {
  /** Keep-alive connections to Twilio (or the base URL), reused across messages. */
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

  constructor(
    private readonly baseUrl: string | undefined,
    private readonly timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: true, autoRetry: false });
  }

  override async request<TData>(options: SdkRequestClient.RequestOptions<TData>): Promise<SdkResponse<TData>> {
    if (!options.method) throw new Error('http method is required');
    if (!options.uri) throw new Error('uri is required');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      // undici manages the connection itself and refuses these hop-by-hop headers.
      if (value !== undefined && !/^(connection|keep-alive)$/i.test(name)) headers[name] = String(value);
    }
    if (options.username && options.password) {
      headers.Authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    } else if (options.authStrategy) {
      headers.Authorization = await options.authStrategy.getAuthString();
    }

    const url = new URL(rewriteTwilioUri(options.uri, this.baseUrl));
    if (options.params) appendRepeated(url.searchParams, options.params);
    let body: string | undefined;
    const contentType = headers['Content-Type'];
    if (options.data && contentType === 'application/x-www-form-urlencoded') body = formEncode(options.data);
    else if (options.data && contentType === 'application/json') body = JSON.stringify(options.data);

    const response = await request(url, {
      method: options.method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'DELETE',
      headers,
      body,
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(options.timeout || this.timeoutMs),
    });
    // Text, typed as TData as the SDK's own client types it: the SDK parses JSON bodies itself (and keeps what is not JSON for its error).
    const text = await response.body.text();
    return { statusCode: response.statusCode, body: text as TData, headers: response.headers };
  }
}

export function rewriteTwilioUri(uri: string, baseUrl: string | undefined): string {
  if (!baseUrl) return uri;
  const url = new URL(uri);
  if (url.hostname !== 'twilio.com' && !url.hostname.endsWith('.twilio.com')) return uri;
  return `${baseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

/** `a=1&b=x&b=y`: arrays as repeated keys, as the SDK's client sends them (qs, arrayFormat "repeat"). */
export function formEncode(data: object): string {
  const form = new URLSearchParams();
  appendRepeated(form, data);
  return form.toString();
}

function appendRepeated(target: URLSearchParams, values: object): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) target.append(key, item === null ? '' : item instanceof Date ? item.toISOString() : String(item));
    }
  }
}
