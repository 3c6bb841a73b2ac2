/** The words of the messages. One place, so that a later i18n step has one file to replace. */

export const EMAIL_SUBJECT = 'Verify your email address';

function validity(minutes: number): string {
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function phoneCodeText(code: string, validMinutes: number): string {
  return `Your verification code is ${code}. It is valid for ${validity(validMinutes)}.`;
}

export function emailCodeText(code: string, validMinutes: number, link?: string): string {
  const lines = [`Your verification code is ${code}.`, ''];
  if (link) lines.push('Open this link to verify your email address:', link, '');
  lines.push(`The code is valid for ${validity(validMinutes)}. If you did not ask for it, ignore this message.`);
  return lines.join('\n');
}

export function emailCodeHtml(code: string, validMinutes: number, link?: string): string {
  const linkPart = link ? `<p><a href="${escapeHtml(link)}">Verify your email address</a></p>\n<p>${escapeHtml(link)}</p>\n` : '';
  return (
    `<!doctype html>\n<html><body>\n<p>Your verification code is <strong>${escapeHtml(code)}</strong>.</p>\n` +
    linkPart +
    `<p>The code is valid for ${validity(validMinutes)}. If you did not ask for it, ignore this message.</p>\n</body></html>\n`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
