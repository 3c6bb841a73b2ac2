/**
 * Text cut to at most `max` UTF-16 units without splitting a surrogate pair:
 * half a pair left at the end is not Unicode, and grpc-js throws (URIError)
 * when an error message holding one becomes the grpc-message header.
 */
export function truncateText(text: string, max: number, ellipsis = ''): string {
  if (text.length <= max) return text;
  let end = max - ellipsis.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(0, end))}${ellipsis}`;
}

/** Lone UTF-16 surrogates replaced with U+FFFD, so that the text can be encoded as UTF-8 (and URI-encoded). */
export function wellFormedText(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}
