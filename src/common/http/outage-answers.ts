import type { ServerResponse } from 'node:http';

/**
 * The HTTP answers that refused their request because a dependency is down.
 * The exception filter marks them; the request log writes their lines at
 * info level, since the outage itself has a warning of its own.
 */
const outageAnswers = new WeakSet<ServerResponse>();

export function markOutageAnswer(response: ServerResponse): void {
  outageAnswers.add(response);
}

export function isOutageAnswer(response: ServerResponse): boolean {
  return outageAnswers.has(response);
}
