/**
 * Burst benchmark of code delivery through the BullMQ path:
 * N codes accepted as fast as the outbox takes them (each in its own
 * transaction, as N API calls would), relayed to Redis, sent by the workers to
 * a local Twilio stand-in. Reports the latency from "accepted" (the
 * transaction committed) to "received by Twilio", and codes per second.
 *
 *   node -r ./test/support/ts-register.js bench/queue-burst.ts [N]
 *
 * Needs the machine's MariaDB (TEST_DATABASE_URL, default root@127.0.0.1:3306)
 * and Redis (TEST_REDIS_URL, default 127.0.0.1:6379); uses a database and a
 * queue prefix of its own and removes both at the end. Extra settings go in
 * through the environment (e.g. NOTIFICATION_CONCURRENCY=100).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { createPool } from 'mysql2/promise';
import { createApp } from '../src/bootstrap';
import { UnitOfWork } from '../src/common/persistence/unit-of-work';
import { loadConfig } from '../src/config/app-config';
import { NotificationOutbox } from '../src/modules/notifications/notification-outbox';
import { Principal } from '../src/modules/auth/principal';
import { SmsProvidersService } from '../src/modules/sms/sms-providers.service';
import { testDatabaseServer, testDatabaseUrl, testRedisUrl } from '../test/support/environment';
import { TwilioStandIn } from '../test/support/twilio-stand-in';
import { WorkerProcess } from '../test/support/worker-process';

const N = Number(process.argv[2] ?? 1000);
/** BENCH_WORKER_PROCESSES=n: deliver from n separate worker processes (src/worker.ts) instead of this one. */
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 0);
const ACCEPT_CONCURRENCY = 50;

async function main(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `idt_bench_${run}`;
  const prefix = `bench-${run}`;
  const twilio = await new TwilioStandIn().start();
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(database),
    MASTER_KEY: 'bench-master-key-0123456789abcd!',
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    TWILIO_BASE_URL: twilio.url,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // One caller sends every code: the per-caller and per-instance limits must not refuse the burst, only be counted.
    SMS_CODES_PER_CALLER_PER_HOUR: '100000000',
    SMS_CODES_PER_INSTANCE_PER_HOUR: '100000000',
    ...pick(process.env, ['NOTIFICATION_CONCURRENCY', 'NOTIFICATION_RELAY_INTERVAL_MS']),
    ...(WORKER_PROCESSES > 0 ? { NOTIFICATION_WORKERS: 'false' } : {}),
  });
  const app = await createApp(config);
  await app.init();
  const workers = Array.from({ length: WORKER_PROCESSES }, () =>
    new WorkerProcess({
      DATABASE_URL: config.database.kind === 'mysql' ? config.database.url : '',
      MASTER_KEY: config.masterKey ?? '',
      AUTH_ISSUER: config.auth.issuer ?? '',
      REDIS_URL: config.redisUrl!,
      QUEUE_PREFIX: prefix,
      TWILIO_BASE_URL: twilio.url,
      LOG_LEVEL: 'warn',
      ...pick(process.env, ['NOTIFICATION_CONCURRENCY']),
    }).start(),
  );
  try {
    const admin = { subject: 'bench' } as Principal;
    const sms = app.get(SmsProvidersService);
    const { id } = await sms.addTwilio(admin, { sid: 'AC0bench', token: 'bench-token', senderNumber: '+41790000000' });
    await sms.activate(admin, { id });

    const outbox = app.get(NotificationOutbox);
    const unitOfWork = app.get(UnitOfWork);
    const enqueue = (phone: string) =>
      unitOfWork.run((em) =>
        outbox.enqueue(em, {
          channel: 'sms',
          purpose: 'verify_phone',
          recipient: phone,
          userId: phone,
          organizationId: 'org',
          callerId: 'bench',
          code: 'BENCH1',
          expiresAt: new Date(Date.now() + 10 * 60_000),
        }),
      );
    // Warm-up: one code end to end, so that connections, JIT and worker processes are ready before the clock starts.
    await enqueue('+41770000000');
    while (twilio.acceptedMessages().length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    twilio.requests.length = 0;

    const acceptedAt = new Map<string, number>();
    const phones = Array.from({ length: N }, (_, i) => `+4178${String(i).padStart(7, '0')}`);
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: ACCEPT_CONCURRENCY }, async () => {
        while (next < phones.length) {
          const phone = phones[next++];
          await enqueue(phone);
          acceptedAt.set(phone, Date.now());
        }
      }),
    );
    const allAccepted = Date.now();
    console.log(`accepted ${N} in ${allAccepted - started} ms`);
    while (twilio.acceptedMessages().length < N) {
      if (Date.now() - started > 120_000) throw new Error(`only ${twilio.acceptedMessages().length} of ${N} arrived within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cpu = process.cpuUsage(cpuBefore);
    const received = twilio.acceptedMessages();
    const latencies = received.map((r) => r.receivedAt - acceptedAt.get(r.form.To)!).sort((a, b) => a - b);
    const lastReceived = Math.max(...received.map((r) => r.receivedAt));
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
    const result = {
      codes: N,
      workerConcurrency: config.notifications.concurrency,
      workerProcesses: WORKER_PROCESSES || 'in the API process',
      acceptPerSecond: Math.round((N / (allAccepted - started)) * 1000),
      deliveredPerSecond: Math.round((N / (lastReceived - started)) * 1000),
      latencyMs: { p50: q(50), p95: q(95), p99: q(99), max: latencies[latencies.length - 1] },
      duplicates: twilio.messageRequests().length - N,
      // CPU of this process (API, relay, workers and the Twilio stand-in) per code: comparable on a busy machine, unlike codes/s.
      processCpuMsPerCode: Number(((cpu.user + cpu.system) / 1000 / N).toFixed(2)),
    };
    console.log(JSON.stringify(result));
    console.log(
      `${N} codes: accepted at ${result.acceptPerSecond}/s, delivered at ${result.deliveredPerSecond}/s; ` +
        `accept→Twilio latency p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; ` +
        `${result.processCpuMsPerCode} ms of process CPU per code`,
    );
  } finally {
    for (const worker of workers) await worker.terminate();
    await app.close();
    await twilio.stop();
    await dropEverything(database, prefix);
  }
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => env[name]).map((name) => [name, env[name]!]));
}

async function dropEverything(database: string, prefix: string): Promise<void> {
  const pool = createPool({ ...testDatabaseServer(), connectionLimit: 1 });
  await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await pool.end();
  const redis = new IORedis(testRedisUrl());
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
