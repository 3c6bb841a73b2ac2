import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { CountryRule } from '../../../config/app-config';

/** The country calling code of an E.164 number (`41` for +41…), or undefined when it is not one. */
export function callingCodeOf(number: string): string | undefined {
  return parsePhoneNumberFromString(number)?.countryCallingCode;
}

/**
 * Whether an SMS may go to this number under SMS_ALLOWED_COUNTRY_CODES or
 * SMS_DENIED_COUNTRY_CODES. A number whose calling code cannot be read passes
 * a deny-list but never an allow-list.
 */
export function destinationAllowed(rule: CountryRule, number: string): boolean {
  if (rule.kind === 'any') return true;
  const code = callingCodeOf(number);
  if (rule.kind === 'allow') return code !== undefined && rule.codes.has(code);
  return code === undefined || !rule.codes.has(code);
}
