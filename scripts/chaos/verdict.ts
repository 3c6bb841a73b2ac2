import { TwilioRequest } from '../../test/support/twilio-stand-in';
import { Kill } from './monkey';
import { FailedAttempt } from './worker-fleet';

/**
 * A killed process's TCP connections close when the kernel reaps it; the
 * stand-in notices within this long even on a busy machine.
 */
const CONNECTION_CLOSE_AFTER_KILL_MS = 1000;

export interface RunFacts {
  /** phone → user id: the codes the API accepted. */
  sent: Map<string, string>;
  refused: number;
  /** Every Messages.json request the stand-in received. */
  messages: TwilioRequest[];
  kills: Kill[];
  /** Failed attempts the workers logged, by recipient. */
  failedAttempts: Map<string, FailedAttempt[]>;
  /** recipient → when a worker recorded the row sent (sent_at, taken right before its UPDATE). */
  sentAt: Map<string, number>;
  /** recipient → when the worker that sent it wrote the "sent" mark (its log line). */
  markedAt: Map<string, number>;
  redisRestarts: number;
  /** Rows of notification_outbox by state. */
  outbox: Record<string, number>;
  /** BullMQ's lists and sets of the run's prefix, and job hashes left. */
  queue: Record<string, number>;
  durationMs: number;
}

export interface Verdict {
  sent: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Re-sends of a copy Twilio accepted on a connection of a worker killed right after. */
  afterKill: number;
  /** Re-sends of a copy Twilio accepted but whose answer the worker did not get in time (it logged a time-out). */
  afterTimeout: number;
  mostDuplicatesOfOneKill: number;
  faultAnswers: number;
  /**
   * Twilio's 201 → the worker recording the row sent (sent_at), over codes
   * delivered once. A worker sends its next message only after that.
   */
  ackWindowMs: Quantiles;
  /**
   * Twilio's 201 → the worker writing the "sent" mark, over codes delivered
   * once: after the mark a job that runs again sends nothing, so a kill turns
   * only this window (and a request still in flight) into a duplicate.
   */
  markWindowMs: Quantiles;
  /** Every reason the run failed; empty means it passed. */
  failures: string[];
  /** Codes the stand-in received, per phone (first accepted body), to check them with the API. */
  deliveredCodes: Map<string, string>;
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
}

const CODE_IN_BODY = /verification code is ([A-Z0-9]{6})\b/;

export function judge(facts: RunFacts): Verdict {
  const failures: string[] = [];
  const accepted = new Map<string, TwilioRequest[]>();
  for (const message of facts.messages) {
    if (message.status !== 201) continue;
    const to = message.form.To;
    if (!facts.sent.has(to)) {
      failures.push(`a message went to ${to}, a number no code was sent to`);
      continue;
    }
    accepted.set(to, [...(accepted.get(to) ?? []), message]);
  }

  const deliveredCodes = new Map<string, string>();
  let duplicates = 0;
  let afterKill = 0;
  let afterTimeout = 0;
  const perKill = new Map<Kill, number>();
  for (const [to, copies] of accepted) {
    copies.sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0));
    const codes = new Set(copies.map((copy) => CODE_IN_BODY.exec(copy.form.Body ?? '')?.[1]));
    if (codes.has(undefined)) failures.push(`a message to ${to} carries no code: ${JSON.stringify(copies[0].form.Body)}`);
    if (codes.size > 1) failures.push(`${to} received different codes (${[...codes].join(', ')}): not a re-send of one outbox row`);
    deliveredCodes.set(to, CODE_IN_BODY.exec(copies[0].form.Body ?? '')?.[1] ?? '');
    if (copies.length === 1) continue;
    duplicates += copies.length - 1;
    // A copy after the first is legitimate only if the copy before it was accepted by
    // Twilio while the worker could not learn it: the worker was killed right after
    // (its connection closed at the kill), or its request timed out first.
    for (let i = 0; i < copies.length - 1; i++) {
      const kill = killBehind(copies[i], facts.kills);
      if (kill) {
        afterKill++;
        perKill.set(kill, (perKill.get(kill) ?? 0) + 1);
      } else if (timedOut(copies[i], copies[i + 1], facts.failedAttempts.get(to) ?? [])) {
        afterTimeout++;
      } else {
        failures.push(
          `${to} received its code ${copies.length} times; the copy accepted at ${iso(copies[i].answeredAt)} (connection closed ${iso(copies[i].connectionClosedAt)}) ` +
            'was sent again although its worker was neither killed nor timed out',
        );
      }
    }
  }

  const windowAfterAcceptance = (recorded: Map<string, number>) =>
    quantiles(
      [...accepted]
        .filter(([to, copies]) => copies.length === 1 && recorded.has(to) && copies[0].answeredAt !== undefined)
        .map(([to, copies]) => recorded.get(to)! - copies[0].answeredAt!),
    );
  const ackWindowMs = windowAfterAcceptance(facts.sentAt);
  const markWindowMs = windowAfterAcceptance(facts.markedAt);

  const delivered = accepted.size;
  const lost = facts.sent.size - delivered;
  if (lost > 0) {
    const missing = [...facts.sent.keys()].filter((phone) => !accepted.has(phone));
    failures.push(`${lost} code(s) never delivered, e.g. ${missing.slice(0, 5).join(', ')}`);
  }
  if (facts.refused > 0) failures.push(`the API refused ${facts.refused} code(s)`);
  const mostDuplicatesOfOneKill = Math.max(0, ...perKill.values());
  if (mostDuplicatesOfOneKill > 1) {
    failures.push(`one kill explains ${mostDuplicatesOfOneKill} duplicates: at most one per kill is allowed`);
  }
  const notSent = Object.entries(facts.outbox).filter(([state, count]) => state !== 'sent' && count > 0);
  if (notSent.length > 0) failures.push(`the outbox is not empty: ${notSent.map(([state, count]) => `${count} ${state}`).join(', ')}`);
  if ((facts.outbox.sent ?? 0) !== facts.sent.size) failures.push(`the outbox has ${facts.outbox.sent ?? 0} sent rows for ${facts.sent.size} codes`);
  const leftInQueue = Object.entries(facts.queue).filter(([, count]) => count > 0);
  if (leftInQueue.length > 0) failures.push(`the queue is not empty: ${leftInQueue.map(([what, count]) => `${what} ${count}`).join(', ')}`);

  return {
    sent: facts.sent.size,
    delivered,
    lost,
    duplicates,
    afterKill,
    afterTimeout,
    mostDuplicatesOfOneKill,
    ackWindowMs,
    markWindowMs,
    faultAnswers: facts.messages.filter((message) => message.status === 429 || message.status === 503).length,
    failures,
    deliveredCodes,
  };
}

/**
 * The kill that explains a re-send: the first copy came on a connection that
 * closed right after the kill (so it was the killed worker's), and Twilio
 * accepted it before that: before the kill (the worker had not yet read or
 * noted the answer) or just after it (the request was in flight; a dying
 * process's sockets stay open until the kernel has reaped it, and the
 * stand-in answers on them meanwhile, as Twilio would).
 */
function killBehind(first: TwilioRequest, kills: Kill[]): Kill | undefined {
  const answered = first.answeredAt;
  const closed = first.connectionClosedAt;
  if (answered === undefined || closed === undefined) return undefined;
  return kills.find((kill) => closed >= kill.at && closed - kill.at <= CONNECTION_CLOSE_AFTER_KILL_MS && answered <= closed);
}

/** The worker logged a time-out (or a dropped connection) for the row between this copy's acceptance and the next copy. */
function timedOut(copy: TwilioRequest, next: TwilioRequest, attempts: FailedAttempt[]): boolean {
  const answered = copy.answeredAt ?? Infinity;
  return attempts.some((attempt) => attempt.at >= answered && attempt.at <= next.receivedAt && /timed out|timeout|ECONNRESET|ECONNABORTED|socket hang up/i.test(attempt.error));
}

function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '–' : new Date(ms).toISOString();
}
