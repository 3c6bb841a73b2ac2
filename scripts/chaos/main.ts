/**
 * `npm run chaos`: at-least-once delivery of verification codes under fire.
 *
 * Topology: the built API (`node dist/src/main.js`, NOTIFICATION_WORKERS=false,
 * its outbox relay running) and separate worker processes
 * (`node dist/src/worker.js`), a fresh MariaDB database, a redis-server of the
 * run's own on a free port (never the machine's shared one), a local Twilio
 * stand-in and a local OpenID issuer. CHAOS_CODES codes (10,000) are sent
 * through the REST API, one CreateUser with `contact.phone.sendCode` each, to
 * distinct numbers, while ChaosMonkey SIGKILLs workers, restarts Redis
 * (losing its data) and makes the stand-in answer 429/503 for stretches.
 *
 * Pass: every code delivered, a code delivered twice only when Twilio accepted
 * it and its worker was killed before noting that (its "sent" mark; at most one
 * per kill), outbox and queue empty at the end. Prints a table and exits 1 otherwise.
 * Everything it started is stopped and its database dropped, also on failure
 * and on SIGINT.
 *
 * Settings (environment): CHAOS_CODES (10000), CHAOS_SEND_SECONDS (90: the
 * codes are paced over this long), CHAOS_WORKERS (2), CHAOS_SETTLE_SECONDS
 * (300: how long delivery may take after the last code was accepted),
 * CHAOS_LOCK_MS (the service's default: NOTIFICATION_LOCK_MS of the processes),
 * CHAOS_KILL_EVERY_MS (4000: mean pause between two worker kills),
 * CHAOS_CONCURRENCY (the service's default: NOTIFICATION_CONCURRENCY of the processes),
 * CHAOS (kills,redis,twilio: which trouble to make; "none" for a calm baseline),
 * TEST_DATABASE_URL (mysql://root@127.0.0.1:3306). To dig into a run:
 * CHAOS_DUMP (a file for the run's facts as JSON: kills, Redis restarts, every
 * Twilio request with its times, "sent" mark times) and CHAOS_WORKER_LOG (a
 * file for every line the workers print).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createPool } from 'mysql2/promise';
import { BuiltServer, bareEnv } from '../../test/support/built-server';
import { freePort } from '../../test/support/free-port';
import { testDatabaseServer, testDatabaseUrl } from '../../test/support/environment';
import { RedisProcess } from '../../test/support/redis-process';
import { TestIssuer } from '../../test/support/test-issuer';
import { TwilioStandIn } from '../../test/support/twilio-stand-in';
import { sentMarkKey } from '../../src/modules/notifications/marks/redis-delivery-marks';
import { Cleanup } from './cleanup';
import { CodeLoad } from './load';
import { CHAOS_KINDS, ChaosKind, ChaosMonkey } from './monkey';
import { Quantiles, RunFacts, Verdict, judge } from './verdict';
import { FailedAttempt, RELAY_RECOVERED, WorkerFleet } from './worker-fleet';

const CODES = setting('CHAOS_CODES', 10_000);
const SEND_SECONDS = setting('CHAOS_SEND_SECONDS', 90);
const WORKERS = setting('CHAOS_WORKERS', 2);
const SETTLE_SECONDS = setting('CHAOS_SETTLE_SECONDS', 300);
/** Unset: the service's own default, so that a run measures what a short lock costs (false stalls) where it ships. */
const LOCK_MS = process.env.CHAOS_LOCK_MS ? setting('CHAOS_LOCK_MS', 1) : undefined;
const KILL_EVERY_MS = setting('CHAOS_KILL_EVERY_MS', 4000);
/** Unset: the service's own default. */
const CONCURRENCY = process.env.CHAOS_CONCURRENCY ? setting('CHAOS_CONCURRENCY', 1) : undefined;
const CHAOS = chaosKinds(process.env.CHAOS ?? CHAOS_KINDS.join(','));
/** Client connections sending codes at the same time (the pacing sets the rate; this only has to keep up). */
const SEND_CONCURRENCY = 32;
/** Delivered codes checked back through VerifyContactPhone: the body carried the right code. */
const VERIFY_SAMPLE = 25;
const ORG = 'chaos-org';

const cleanup = new Cleanup();

async function main(): Promise<number> {
  cleanup.onSignals();
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `idt_chaos_${run}`;
  const prefix = `chaos-${run}`;
  const workDir = await mkdtemp(join(tmpdir(), 'identity-chaos-'));
  cleanup.add('temporary directory', () => rm(workDir, { recursive: true, force: true }));

  const issuer = await new TestIssuer().start();
  cleanup.add('issuer', () => issuer.stop());
  const twilio = await new TwilioStandIn().start();
  cleanup.add('Twilio stand-in', () => twilio.stop());
  const redis = await new RedisProcess().start();
  cleanup.add('redis-server', () => redis.stop());
  const pool = createPool({ ...testDatabaseServer(), connectionLimit: 2, timezone: 'Z' });
  cleanup.add('database', async () => {
    await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await pool.end();
  });

  const env = bareEnv({
    DATABASE_URL: testDatabaseUrl(database),
    MASTER_KEY: randomBytes(16).toString('hex'),
    AUTH_ISSUER: issuer.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    TWILIO_BASE_URL: twilio.url,
    HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    GRPC_PORT: String(await freePort()),
    ...(LOCK_MS === undefined ? {} : { NOTIFICATION_LOCK_MS: String(LOCK_MS) }),
    ...(CONCURRENCY === undefined ? {} : { NOTIFICATION_CONCURRENCY: String(CONCURRENCY) }),
    // Distinct numbers, one code each: the limits must not refuse a code the run counts on.
    SMS_CODES_PER_10_MIN: '1000',
    SMS_RESEND_COOLDOWN_SECONDS: '0',
    // One token asks for every code of the run.
    SMS_CODES_PER_CALLER_PER_HOUR: '100000000',
    SMS_CODES_PER_INSTANCE_PER_HOUR: '100000000',
  });
  // The API logs at info: BuiltServer waits for its "listening on" line.
  const api = await BuiltServer.start(workDir, { ...env, NOTIFICATION_WORKERS: 'false', LOG_LEVEL: 'info' });
  cleanup.add('API process', () => stopServer(api));
  const token = await issuer.owner({ expiresIn: 3600 });
  const call = apiCaller(api.url, token);

  const provider = await call('POST', '/admin/v1/sms/twilio', { sid: 'AC0chaos', token: 'chaos-auth-token', senderNumber: '+41790000000', description: 'chaos' }, 200);
  await call('POST', `/admin/v1/sms/${provider.id}/_activate`, undefined, 200);
  const schema = await call(
    'POST',
    '/resources/v3alpha/user_schemas',
    { type: 'chaos', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    201,
  );

  // debug: the workers' "notification sent" and "attempt failed" lines tell which are working and why a code was re-sent.
  const fleet = new WorkerFleet(WORKERS, workDir, { ...env, LOG_LEVEL: 'debug' });
  fleet.startAll();
  cleanup.add('worker processes', () => fleet.stopAll());

  const phones = Array.from({ length: CODES }, (_, i) => `+4178${String(i).padStart(7, '0')}`);
  const load = new CodeLoad({ apiUrl: api.url, token, schemaId: schema.details.id, organizationId: ORG, phones, durationMs: SEND_SECONDS * 1000, concurrency: SEND_CONCURRENCY });
  const monkey = new ChaosMonkey(
    fleet,
    redis,
    twilio,
    { killEveryMs: KILL_EVERY_MS, faultEveryMs: 8000, redisRestartAt: [0.3, 0.65], redisDownMs: [1000, 3000] },
    () => load.progress,
  );
  const delivered = () => new Set(twilio.acceptedMessages().map((message) => message.form.To)).size;

  const started = Date.now();
  const progress = setInterval(() => {
    const faults = twilio.messageRequests().filter((message) => message.status === 429 || message.status === 503).length;
    void outboxStates(pool, database)
      .catch(() => ({}))
      .then((outbox) =>
        process.stderr.write(
          `[${seconds(Date.now() - started)}] accepted ${load.users.size}/${CODES}, delivered ${delivered()}, outbox ${JSON.stringify(outbox)}, ` +
            `kills ${monkey.kills.length}, Redis restarts ${monkey.redisRestarts.length}, 429/503 answered ${faults}\n`,
        ),
      );
  }, 10_000);
  cleanup.add('progress line', () => clearInterval(progress));

  process.stderr.write(
    `chaos run ${run}: ${CODES} codes over ${SEND_SECONDS} s, ${WORKERS} worker processes, job lock ${LOCK_MS === undefined ? 'default' : `${LOCK_MS} ms`}, ` +
      `${CONCURRENCY ?? 'default'} concurrent jobs per process\n`,
  );
  monkey.start(CHAOS);
  const sent = await load.run();
  await monkey.stop();

  // Settle: no more chaos; wait until everything accepted was delivered and nothing is left anywhere.
  const queueCounter = new QueueCounter(redis.url, prefix);
  cleanup.add('queue inspection connection', () => queueCounter.close());
  const settleDeadline = Date.now() + SETTLE_SECONDS * 1000;
  let outbox = await outboxStates(pool, database);
  let queue = await queueCounter.count();
  while (Date.now() < settleDeadline) {
    const done = delivered() >= sent.users.size && Object.keys(outbox).every((state) => state === 'sent') && Object.values(queue).every((n) => n === 0);
    if (done || (outbox.failed ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    outbox = await outboxStates(pool, database);
    queue = await queueCounter.count();
  }
  const durationMs = Date.now() - started;
  clearInterval(progress);

  const recipients = await recipientsById(pool, database);
  const facts: RunFacts = {
    sent: sent.users,
    refused: sent.refused.length,
    messages: twilio.messageRequests(),
    kills: monkey.kills,
    failedAttempts: failedAttemptsByRecipient(recipients, fleet.failedAttempts),
    sentAt: await sentAtByRecipient(pool, database),
    markedAt: byRecipient(recipients, fleet.markedAt),
    redisRestarts: monkey.redisRestarts.length,
    outbox,
    queue,
    durationMs,
  };
  const verdict = judge(facts);
  if (process.env.CHAOS_DUMP) {
    const dump = {
      kills: monkey.kills,
      redisRestarts: monkey.redisRestarts,
      faults: monkey.faultStretches,
      messages: facts.messages,
      recipients: [...recipients],
      markedAt: [...fleet.markedAt],
      sentAt: [...facts.sentAt],
      failedAttempts: fleet.failedAttempts,
      alreadySent: fleet.alreadySent,
      foundAtProvider: fleet.foundAtProvider,
    };
    writeFileSync(process.env.CHAOS_DUMP, JSON.stringify(dump));
  }
  const verified = await verifySample(call, sent.users, verdict.deliveredCodes);
  if (verified.failures.length > 0) verdict.failures.push(...verified.failures);
  if (sent.refused.length > 0) verdict.failures.push(`first refusals: ${sent.refused.slice(0, 3).map((r) => `${r.phone}: ${r.answer}`).join('; ')}`);
  verdict.failures.push(...fleet.unexpectedExits());

  const apiRelayOutagesMs = api.lines.filter((line) => line.msg === RELAY_RECOVERED).map((line) => Number(line.downForMs));
  const marks = { stopped: new Set(fleet.alreadySent).size, found: new Set(fleet.foundAtProvider).size, left: await queueCounter.sentMarks() };
  printTable(facts, verdict, verified.checked, monkey, { api: apiRelayOutagesMs, workers: fleet.relayOutagesMs }, marks, fleet);
  if (verdict.failures.length > 0) {
    console.log(`\nFAIL (${verdict.failures.length}):\n- ${verdict.failures.slice(0, 20).join('\n- ')}`);
    if (verdict.lost > 0 || Object.keys(outbox).some((state) => state !== 'sent')) {
      console.log(`\noutbox by state: ${JSON.stringify(outbox)}; queue: ${JSON.stringify(queue)}\n${fleet.tails().join('\n')}`);
    }
    const apiWarnings = api.lines.filter((line) => Number(line.level) >= 40).map((line) => JSON.stringify(line));
    if (apiWarnings.length > 0) console.log(`\nAPI warnings (last 10 of ${apiWarnings.length}):\n  ${apiWarnings.slice(-10).join('\n  ')}`);
    return 1;
  }
  console.log('\nPASS');
  return 0;
}

function printTable(
  facts: RunFacts,
  verdict: Verdict,
  verifiedCodes: number,
  monkey: ChaosMonkey,
  relayOutagesMs: { api: number[]; workers: number[] },
  marks: { stopped: number; found: number; left: number },
  fleet: WorkerFleet,
): void {
  const outages = (list: number[]) => (list.length === 0 ? 'none' : list.map((ms) => seconds(ms)).join(', '));
  const window = (q: Quantiles) => `p50 ${q.p50} ms, p99 ${q.p99} ms, max ${q.max} ms`;
  const rows: Array<[string, string]> = [
    ['codes sent', String(verdict.sent)],
    ['delivered', String(verdict.delivered)],
    ['lost', String(verdict.lost)],
    [
      'duplicates',
      `${verdict.duplicates} (${verdict.afterKill} after a kill, at most ${verdict.mostDuplicatesOfOneKill} per kill; ${verdict.afterTimeout} after a send time-out)`,
    ],
    ['accept→mark window', `${window(verdict.markWindowMs)} (Twilio's 201 → "sent" mark written)`],
    ['accept→row sent', `${window(verdict.ackWindowMs)} (Twilio's 201 → row recorded sent)`],
    [
      're-sends stopped',
      `${marks.stopped + marks.found}: ${marks.stopped} found the "sent" mark, ${marks.found} found their message in Twilio's list (an attempt in doubt); ${marks.left} marks left in Redis`,
    ],
    ['kills (SIGKILL)', String(facts.kills.length)],
    ['stalled jobs', `${fleet.stalledJobs} queued again by a stalled-job check; ${fleet.lockRenewalFailures} lock renewals too late (a live worker's job taken over)`],
    ['Redis restarts', `${facts.redisRestarts} (data lost each time)`],
    ['relay blocked', `API: ${outages(relayOutagesMs.api)}; workers: ${outages(relayOutagesMs.workers)}`],
    ['429/503 answered', `${verdict.faultAnswers} (in ${monkey.faultStretches.length} stretches)`],
    ['outbox left', String(Object.entries(facts.outbox).filter(([state]) => state !== 'sent').reduce((sum, [, n]) => sum + n, 0))],
    ['queue left', String(Object.values(facts.queue).reduce((sum, n) => sum + n, 0))],
    ['codes checked back', `${verifiedCodes} (VerifyContactPhone with the delivered code)`],
    ['duration', `${seconds(facts.durationMs)} (first code sent → all delivered and drained)`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const line = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  console.log(`\n${line}`);
  for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value.padEnd(valueWidth)} |`);
  console.log(line);
}

/** The delivered body must carry the code the API stored: a sample is verified with it. */
async function verifySample(call: ApiCaller, users: Map<string, string>, codes: Map<string, string>): Promise<{ checked: number; failures: string[] }> {
  const candidates = [...codes.keys()].sort(() => Math.random() - 0.5).slice(0, VERIFY_SAMPLE);
  const failures: string[] = [];
  for (const phone of candidates) {
    try {
      await call('POST', `/resources/v3alpha/users/${users.get(phone)}/phone/_verify`, codes.get(phone), 200);
    } catch (error) {
      failures.push(`the code delivered to ${phone} does not verify: ${(error as Error).message}`);
    }
  }
  return { checked: candidates.length - failures.length, failures };
}

type ApiCaller = (method: string, path: string, body: unknown, expected: number) => Promise<any>;

function apiCaller(url: string, token: string): ApiCaller {
  return async (method, path, body, expected) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

async function outboxStates(pool: ReturnType<typeof createPool>, database: string): Promise<Record<string, number>> {
  const [rows] = await pool.query(`SELECT state, COUNT(*) AS n FROM \`${database}\`.notification_outbox GROUP BY state`);
  return Object.fromEntries((rows as Array<{ state: string; n: number | string }>).map((row) => [row.state, Number(row.n)]));
}

async function sentAtByRecipient(pool: ReturnType<typeof createPool>, database: string): Promise<Map<string, number>> {
  const [rows] = await pool.query(`SELECT recipient, sent_at FROM \`${database}\`.notification_outbox WHERE sent_at IS NOT NULL`);
  return new Map((rows as Array<{ recipient: string; sent_at: Date }>).map((row) => [row.recipient, row.sent_at.getTime()]));
}

async function recipientsById(pool: ReturnType<typeof createPool>, database: string): Promise<Map<string, string>> {
  const [rows] = await pool.query(`SELECT id, recipient FROM \`${database}\`.notification_outbox`);
  return new Map((rows as Array<{ id: string; recipient: string }>).map((row) => [String(row.id), row.recipient]));
}

function byRecipient<T>(recipients: Map<string, string>, byId: Map<string, T>): Map<string, T> {
  const result = new Map<string, T>();
  for (const [id, value] of byId) {
    const recipient = recipients.get(id);
    if (recipient) result.set(recipient, value);
  }
  return result;
}

function failedAttemptsByRecipient(recipients: Map<string, string>, attempts: FailedAttempt[]): Map<string, FailedAttempt[]> {
  const byRecipient = new Map<string, FailedAttempt[]>();
  for (const attempt of attempts) {
    const recipient = recipients.get(attempt.notificationId);
    if (recipient) byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), attempt]);
  }
  return byRecipient;
}

/** BullMQ's lists and sets of the run's queue, and the job keys left (completed jobs are removed). */
class QueueCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  }

  async count(): Promise<Record<string, number>> {
    if (this.redis.status === 'wait') await this.redis.connect();
    const key = (name: string) => `${this.prefix}:notifications:${name}`;
    const counts: Record<string, number> = {};
    for (const name of ['wait', 'active', 'paused']) counts[name] = await this.redis.llen(key(name));
    for (const name of ['delayed', 'prioritized', 'waiting-children', 'failed', 'completed']) counts[name] = await this.redis.zcard(key(name));
    let jobKeys = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', key('n*'), 'COUNT', 1000);
      jobKeys += keys.length;
      cursor = next;
    } while (cursor !== '0');
    counts['job keys'] = jobKeys;
    return counts;
  }

  /** "Sent" marks left (sentMarkKey): the DEL after the row was recorded sent did not come (a kill); they expire by themselves. */
  async sentMarks(): Promise<number> {
    if (this.redis.status === 'wait') await this.redis.connect();
    let marks = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', sentMarkKey(this.prefix, '*'), 'COUNT', 1000);
      marks += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return marks;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** SIGTERM (graceful shutdown), SIGKILL if it takes longer than 10 s. */
async function stopServer(server: BuiltServer): Promise<void> {
  server.signal('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([server.exited, timeout])) === 'timeout') await server.kill();
}

function setting(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return number;
}

/** CHAOS=kills,redis,twilio (the default), a subset of them, or "none" for a calm baseline. */
function chaosKinds(value: string): Set<ChaosKind> {
  const kinds = value.split(',').map((kind) => kind.trim()).filter((kind) => kind && kind !== 'none');
  const unknown = kinds.filter((kind) => !(CHAOS_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`CHAOS: unknown kind(s) ${unknown.join(', ')}; use ${CHAOS_KINDS.join(',')} or none`);
  return new Set(kinds as ChaosKind[]);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main()
  .catch((error: unknown) => {
    console.error(`chaos run failed: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup.runAll();
    process.exit(code);
  });
