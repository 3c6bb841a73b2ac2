import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { invalidArgument } from '../../common/errors/zitadel-error';
import { parseUrlTemplate } from '../../common/templates/url-template';
import { SetEmail, SetPhone } from './dto/user-requests.dto';
import { CodeChannel } from './verification-codes';

/** How a new address or number is verified (ZITADEL's ReturnCode / SendCode / IsVerified oneof). */
export type Verification =
  /** isVerified: true — verified at once, no code. */
  | { kind: 'verified' }
  /** returnCode — a code is made and answered, nothing is sent. */
  | { kind: 'return' }
  /** sendCode, or nothing — a code is made and sent. */
  | { kind: 'send'; urlTemplate?: string };

export interface ContactChange {
  channel: CodeChannel;
  /** Normalised: trimmed address, or E.164 number. */
  value: string;
  verification: Verification;
}

/**
 * The WHATWG (HTML) address syntax, which ZITADEL's check follows: a dot-atom
 * style local part and a domain of DNS labels.
 */
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function normalizeEmail(address: string): string {
  const trimmed = address.trim();
  if (!trimmed) throw invalidArgument('EMAIL-spblu', 'email address is empty');
  if (!EMAIL.test(trimmed)) throw invalidArgument('EMAIL-599BI', 'email address is invalid');
  return trimmed;
}

/** Parses with default region CH (as ZITADEL) and returns E.164. */
export function normalizePhone(number: string): string {
  const trimmed = number.trim();
  if (!trimmed) throw invalidArgument('PHONE-Zt0NV', 'phone number is empty');
  const parsed = parsePhoneNumberFromString(trimmed, 'CH');
  if (!parsed || !parsed.isPossible()) throw invalidArgument('PHONE-so0wa', 'phone number is invalid');
  return parsed.number;
}

export function emailChange(email: SetEmail): ContactChange {
  return { channel: 'email', value: normalizeEmail(email.address), verification: emailVerification(email) };
}

export function phoneChange(phone: SetPhone): ContactChange {
  const verification: Verification = phone.isVerified ? { kind: 'verified' } : phone.returnCode ? { kind: 'return' } : { kind: 'send' };
  return { channel: 'phone', value: normalizePhone(phone.number), verification };
}

/** The delivery of an email code; the template is checked now so that a bad one is a 400, not a failed mail. */
export function emailVerification(options: { isVerified?: boolean; returnCode?: object; sendCode?: { urlTemplate?: string | null } }): Verification {
  if (options.isVerified) return { kind: 'verified' };
  if (options.returnCode) return { kind: 'return' };
  // JSON null is protojson's "not set" (class-validator's IsOptional lets it through): the default link.
  const urlTemplate = options.sendCode?.urlTemplate ?? undefined;
  if (urlTemplate !== undefined) parseUrlTemplate(urlTemplate);
  return { kind: 'send', urlTemplate };
}

/** Whether the change bypasses the code, or reveals it to the caller. */
export function needsTrust(verification: Verification): boolean {
  return verification.kind !== 'send';
}
