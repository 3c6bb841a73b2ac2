import { truncateText } from '../../../common/text/truncate';

/**
 * Why a delivery attempt failed, and whether trying again can help.
 * transient: the provider or the network may recover (HTTP 429 and 5xx,
 * timeouts, refused or dropped connections, no active provider yet).
 * permanent: the same message will fail again (invalid or unsubscribed
 * number, bad credentials, SMTP 5xx); the notification stops at once.
 */
export type FailureKind = 'transient' | 'permanent';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** Short text for the outbox's last_error and the log; never a code or a secret. */
  reason: string;
}

/** A failure whose kind the code raising it already knows. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** A non-2xx answer of a provider's HTTP API (Twilio, the HTTP SMS provider). */
export class ProviderHttpError extends Error {
  override name = 'ProviderHttpError';
  constructor(
    /** "Twilio" or "HTTP provider": goes into the reason. */
    readonly provider: string,
    readonly status: number,
    message: string,
    /** The provider's own error code (Twilio's `code`), when it gave one. */
    readonly providerCode?: number,
  ) {
    super(message);
  }
}

/**
 * Twilio error codes after which a retry cannot succeed:
 * 20003 authentication failed, 21211 invalid 'To' number, 21610 recipient
 * unsubscribed (STOP), 21608 unverified number on a trial account,
 * 21614 'To' is not a mobile number, 21408 region not enabled,
 * 60200 invalid Verify parameter, 60205 Verify: SMS to a landline,
 * 60605 Verify: region or carrier blocked (geo permissions).
 */
export const PERMANENT_TWILIO_CODES = new Set([20003, 21211, 21408, 21608, 21610, 21614, 60200, 60205, 60605]);

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Statuses that say "not now": request timeout, too early, too many requests. */
const TRANSIENT_HTTP_STATUSES = new Set([408, 425, 429]);

export function classifyDeliveryError(error: unknown): ClassifiedFailure {
  if (error instanceof DeliveryError) return { kind: error.kind, reason: error.message };

  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: unknown;
    responseCode?: unknown;
    cause?: { code?: unknown; message?: string };
  };
  const message = truncate(e.message || String(error));

  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'transient', reason: `timed out: ${message}` };

  if (error instanceof ProviderHttpError) {
    const label = `${error.provider} HTTP ${error.status}${error.providerCode ? ` error ${error.providerCode}` : ''}`;
    const permanentCode = error.provider === 'Twilio' && error.providerCode !== undefined && PERMANENT_TWILIO_CODES.has(error.providerCode);
    return { kind: permanentCode ? 'permanent' : httpStatusKind(error.status), reason: `${label}: ${message}` };
  }

  // nodemailer: the SMTP reply code when the server answered.
  if (typeof e.responseCode === 'number') {
    return { kind: e.responseCode >= 500 ? 'permanent' : 'transient', reason: `SMTP ${e.responseCode}: ${message}` };
  }

  const networkCode = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  if (networkCode && TRANSIENT_NETWORK_CODES.has(networkCode)) return { kind: 'transient', reason: `${networkCode}: ${message}` };

  // Anything unknown (a database hiccup, an unexpected exception) is retried:
  // the code's expiry bounds the retries, and a dropped code is worse.
  return { kind: 'transient', reason: message };
}

function httpStatusKind(status: number): FailureKind {
  if (status >= 500 || TRANSIENT_HTTP_STATUSES.has(status)) return 'transient';
  return 'permanent';
}

function truncate(text: string): string {
  return truncateText(text, 500, '...');
}
