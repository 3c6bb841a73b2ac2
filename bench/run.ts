/**
 * `npm run bench [-- --quick] [-- --instances N]`: the service in its
 * production topology (built `node dist/src/main.js` on MariaDB and Redis,
 * tokens from a local OpenID issuer) against a bare Fastify + mysql2 + jose
 * baseline (bench/baseline/server.ts), driven from a load-driver process of its
 * own (bench/lib/load-driver.ts). The queue burst runs on one instance, on N
 * with --instances N, and on an API process beside a worker process of its
 * own. Prints a table and writes bench/results/runs/ (ignored by git); with
 * --publish (full runs only) also bench/results/published/ and the table in
 * docs/benchmarks.md, which describes the method.
 *
 * Everything it creates is its own: a fresh database (dropped at the end), a
 * fresh QUEUE_PREFIX (its Redis keys deleted at the end), child processes
 * (stopped at the end, also on failure and Ctrl-C).
 */
import { randomBytes } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { TestIssuer } from '../test/support/test-issuer';
import { bareEnv, startFlags } from '../test/support/built-server';
import { freePort } from '../test/support/free-port';
import { testDatabaseServer, testDatabaseUrl, testRedisUrl } from '../test/support/environment';
import { sample } from '../test/support/prometheus';
import { LoadDriver } from './lib/driver-client';
import { LoadResult, Target, percentiles } from './lib/jobs';
import { Child, ROOT, cpuTimeMs, cpuTimeMsIfRunning, databaseServerPid, killAllChildren, peakRssMb, redisServerPid, startChild, stopChild, tsArgs, waitFor200 } from './lib/processes';
import { BenchReport, QueueRun, ScenarioRow, StartUp, cpuPerCode, evaluateTargets, toMarkdown, publishResults, writeResults } from './lib/report';
import { TwilioSink } from './lib/twilio-sink';

interface Options {
  quick: boolean;
  /** `--publish`: write the result where the docs cite it (see publishResults). */
  publish: boolean;
  instances: number;
  /** Directory for `node --cpu-prof` profiles of service #1 and of the API process without workers (written when they stop). */
  cpuProf?: string;
  /** Node flags of the service processes: those of `npm start` unless `--node-flags "..."` says otherwise. */
  nodeFlags: string[];
  /** `--env NAME=VALUE` (repeatable): settings for every service and worker process, for experiments (e.g. NOTIFICATION_TWILIO_SEND_CONCURRENCY=50). */
  env: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, publish: false, instances: 1, nodeFlags: startFlags(), env: {} };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') options.quick = true;
    else if (argv[i] === '--publish') options.publish = true;
    else if (argv[i] === '--instances') options.instances = Number(argv[++i]);
    else if (argv[i].startsWith('--instances=')) options.instances = Number(argv[i].split('=')[1]);
    else if (argv[i] === '--cpu-prof') options.cpuProf = join(ROOT, 'bench', 'results', 'profiles');
    else if (argv[i] === '--node-flags') options.nodeFlags = (argv[++i] ?? '').split(/\s+/).filter(Boolean);
    else if (argv[i] === '--env') {
      const [name, ...value] = (argv[++i] ?? '').split('=');
      if (!/^[A-Z][A-Z0-9_]*$/.test(name) || value.length === 0) throw new Error(`--env wants NAME=VALUE, got "${argv[i] ?? ''}"`);
      options.env[name] = value.join('=');
    }
    else throw new Error(`unknown argument ${argv[i]} (use --quick, --publish, --instances N, --cpu-prof, --node-flags "FLAGS", --env NAME=VALUE)`);
  }
  if (!Number.isInteger(options.instances) || options.instances < 1 || options.instances > 8) throw new Error('--instances must be 1 to 8');
  if (options.publish && (options.quick || options.cpuProf)) throw new Error('--publish is for full runs, without --quick or --cpu-prof');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const S = options.quick
  ? { warmupSec: 1, durationSec: 3, openDurationSec: 4, users: 600, patchUsers: 500, providers: 16, burst: 500, connections: 32, grpcConcurrency: 32 }
  : { warmupSec: 10, durationSec: 10, openDurationSec: 15, users: 5000, patchUsers: 1000, providers: 32, burst: 5000, connections: 32, grpcConcurrency: 32 };
const BURST_WARMUP = 20;
const MASTER_KEY = 'bench-master-key-0123456789abcd!';
const ORG = 'bench-org';

const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const database = `idt_bench_${run}`;
const queuePrefix = `bench-${run}`;
const logDir = tmpdir();

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

// ---- cleanup, also on failure and Ctrl-C ----------------------------------
const services: Child[] = [];
let baseline: Child | undefined;
let driver: LoadDriver | undefined;
let issuer: TestIssuer | undefined;
let sink: TwilioSink | undefined;
/** The machine's Redis server, for the CPU it spends on the queue burst (undefined when it is not a local process). */
let redisPid: number | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    driver?.stop();
    await Promise.all([...services, ...(baseline ? [baseline] : [])].map((child) => stopChild(child).catch(() => undefined)));
    await sink?.stop().catch(() => undefined);
    await issuer?.stop().catch(() => undefined);
    await dropDatabase().catch((error) => log(`could not drop ${database}: ${error}`));
    await deleteRedisKeys().catch((error) => log(`could not delete Redis keys ${queuePrefix}:*: ${error}`));
    log(`cleaned up: database ${database} dropped, Redis keys ${queuePrefix}:* deleted, child processes stopped`);
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.once('exit', killAllChildren);

async function dropDatabase(): Promise<void> {
  const connection = await createConnection({ ...testDatabaseServer() });
  await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await connection.end();
}

async function deleteRedisKeys(): Promise<void> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

// ---- the processes under test ---------------------------------------------
interface Service {
  child: Child;
  origin: string;
  grpcAddress: string;
  startUp: StartUp;
}

function serviceEnv(twilioUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return bareEnv({
    DATABASE_URL: testDatabaseUrl(database),
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: queuePrefix,
    MASTER_KEY,
    AUTH_ISSUER: issuer!.url,
    TWILIO_BASE_URL: twilioUrl,
    NODE_ENV: 'production',
    // One token asks for every code of the bursts: the per-caller and per-instance limits are checked and counted, but must not refuse.
    SMS_CODES_PER_CALLER_PER_HOUR: '100000000',
    SMS_CODES_PER_INSTANCE_PER_HOUR: '100000000',
    ...options.env,
    ...extra,
  });
}

async function startService(index: number, twilioUrl: string, freshDatabase: boolean, extraEnv: NodeJS.ProcessEnv = {}): Promise<Service> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const env = serviceEnv(twilioUrl, {
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    ...extraEnv,
  });
  const started = Date.now();
  const profiled = options.cpuProf && (index === 1 || extraEnv.NOTIFICATION_WORKERS === 'false');
  const nodeArgs = [...options.nodeFlags, ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : [])];
  const child = startChild(`service #${index}`, [...nodeArgs, 'dist/src/main.js'], env, join(logDir, `${database}-service-${index}.log`));
  services.push(child);
  const origin = `http://127.0.0.1:${httpPort}`;
  await waitFor200(child, `${origin}/healthz`);
  const healthzMs = Date.now() - started;
  await waitFor200(child, `${origin}/readyz`);
  const readyzMs = Date.now() - started;
  return { child, origin, grpcAddress: `127.0.0.1:${grpcPort}`, startUp: { instance: index, healthzMs, readyzMs, freshDatabase } };
}

/**
 * `node dist/src/worker.js`: relay and delivery without HTTP, the way the
 * README scales sending apart from the API. It has no port to poll; the queue
 * burst's warm-up codes, which it must deliver, show that it is up.
 */
function startWorkerProcess(twilioUrl: string): Child {
  const child = startChild('worker', [...options.nodeFlags, 'dist/src/worker.js'], serviceEnv(twilioUrl), join(logDir, `${database}-worker.log`));
  services.push(child);
  return child;
}

async function startBaseline(): Promise<string> {
  const port = await freePort();
  baseline = startChild(
    'baseline',
    tsArgs('bench/baseline/server.ts'),
    bareEnv({ DATABASE_URL: testDatabaseUrl(database), AUTH_ISSUER: issuer!.url, MASTER_KEY, PORT: String(port), NODE_ENV: 'production' }),
    join(logDir, `${database}-baseline.log`),
  );
  const origin = `http://127.0.0.1:${port}`;
  // Any answer from a route means it listens; 401 without a token is the expected one.
  await waitFor200Like(baseline, `${origin}/resources/v3alpha/users/none`);
  return origin;
}

async function waitFor200Like(child: Child, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited; see ${child.logFile}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer within 60 s; see ${child.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---- set-up through the service's own API ---------------------------------
async function api(origin: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function inParallel<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

/**
 * The benchmark's users, written straight into the service's tables in bulk
 * (through the API this set-up alone took minutes on a busy 2-core machine):
 * the rows a CreateUser makes, a user and its `user.created` change-log entry.
 */
async function insertUsers(schemaId: string, count: number): Promise<string[]> {
  const connection = await createConnection({ ...testDatabaseServer(), database, timezone: 'Z' });
  try {
    const [[instance]] = (await connection.query('SELECT id FROM instance')) as unknown as [Array<{ id: string }>];
    const [[schema]] = (await connection.query('SELECT revision FROM user_schemas WHERE id = ?', [schemaId])) as unknown as [Array<{ revision: number }>];
    const ids = Array.from({ length: count }, (_, i) => `9000000000${String(i).padStart(7, '0')}`);
    const now = new Date();
    for (let from = 0; from < count; from += 500) {
      const batch = ids.slice(from, from + 500);
      await connection.query(
        'INSERT INTO users (id, instance_id, organization_id, schema_id, schema_revision, data, email_verified, phone_verified, state, locked, sequence, created_at, changed_at, changed_by) VALUES ?',
        [batch.map((id, i) => [id, instance.id, ORG, schemaId, schema.revision, JSON.stringify({ name: `user ${from + i}`, age: (from + i) % 100 }), 0, 0, 1, 0, 1, now, now, 'bench-admin'])],
      );
      await connection.query(
        'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES ?',
        [batch.map((id) => ['user', id, 1, 'user.created', ORG, 'bench-admin', now, JSON.stringify({ schemaId })])],
      );
    }
    return ids;
  } finally {
    await connection.end();
  }
}

// ---- the queue burst ---------------------------------------------------------
/**
 * `listeners`: the Twilio stand-in's listener of each process that sends
 * (service instances, or worker processes), for the share column.
 */
async function queueBurst(
  instances: Service[],
  token: string,
  userIds: string[],
  phonePrefix: string,
  topology?: { label: string; listeners: number[]; workers: Child[] },
): Promise<QueueRun> {
  const origins = instances.map((service) => service.origin);
  // Warm-up: a few codes end to end through every instance (connections, JIT, BullMQ workers), not counted.
  const warmUsers = userIds.slice(-BURST_WARMUP).map((id, i) => ({ id, phone: `+4176${phonePrefix}${String(i).padStart(6, '0')}` }));
  const before = sink!.messages.length;
  const warm = await driver!.run({ kind: 'burst', origins, token, users: warmUsers, concurrency: 4 });
  if (warm.failures) throw new Error(`queue warm-up refused: ${warm.failureSample}`);
  await sink!.waitFor(before + warmUsers.length, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const users = userIds.slice(0, S.burst).map((id, i) => ({ id, phone: `+4178${phonePrefix}${String(i).padStart(6, '0')}` }));
  const from = sink!.messages.length;
  log(`queue burst: ${users.length} PATCHes with sendCode over ${instances.length} instance(s)`);
  const cpu = machineCpu([...instances.map((service) => service.child), ...(topology?.workers ?? [])]);
  const result = await driver!.run({ kind: 'burst', origins, token, users, concurrency: S.connections });
  const accepted = Object.keys(result.acceptedAt).length;
  await sink!.waitFor(from + accepted, 180_000).catch((error) => log(String(error)));
  const cpuMs = cpu();
  // A moment more, so that a duplicate arriving late is counted too.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const received = sink!.messages.slice(from);

  const seen = new Map<string, number>();
  for (const message of received) seen.set(`${message.to}\n${message.body}`, (seen.get(`${message.to}\n${message.body}`) ?? 0) + 1);
  const duplicates = [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
  const firstReceipt = new Map<string, number>();
  for (const message of received) if (!firstReceipt.has(message.to)) firstReceipt.set(message.to, message.receivedAt);
  const delays: number[] = [];
  let missing = 0;
  for (const [phone, at] of Object.entries(result.acceptedAt)) {
    const receivedAt = firstReceipt.get(phone);
    if (receivedAt === undefined) missing++;
    else delays.push(receivedAt - at);
  }
  const lastReceipt = Math.max(...received.map((message) => message.receivedAt));
  const receipts = [...firstReceipt.values()];
  const whileAccepting = receipts.filter((at) => at <= result.finishedAt).length;
  const perSec = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1000) : 0);
  const listeners = topology?.listeners ?? instances.map((_, i) => i);
  const shares = listeners.map((listener) => received.filter((message) => message.listener === listener).length);
  return {
    instances: instances.length,
    ...(topology ? { label: topology.label } : {}),
    codes: users.length,
    acceptPerSec: Math.round((accepted / (result.finishedAt - result.startedAt)) * 1000),
    codesPerSec: received.length ? Math.round((firstReceipt.size / (lastReceipt - result.startedAt)) * 1000) : 0,
    deliveredPerSec: {
      whileAccepting: perSec(whileAccepting, result.finishedAt - result.startedAt),
      after: perSec(receipts.length - whileAccepting, lastReceipt - result.finishedAt),
    },
    latencyMs: percentiles(delays),
    delivered: firstReceipt.size,
    duplicates,
    missing,
    refused: result.failures,
    ...(result.failureSample ? { refusedSample: result.failureSample } : {}),
    shares,
    cpuMsPerCode: perCode(cpuMs, firstReceipt.size),
  };
}

/**
 * CPU time the machine's processes spend from now until the returned function
 * is called: the service's (`senders`), MariaDB's, Redis', and the bench's
 * own (load driver, and this process, where the Twilio stand-in runs).
 */
/** The database server's CPU per request, left out when its process vanished during the measurement. */
function dbCpu(pid: number | undefined, before: number | undefined, perRequest: (ms: number) => number): { dbCpuMsPerRequest?: number } {
  const after = pid === undefined ? undefined : cpuTimeMsIfRunning(pid);
  return before === undefined || after === undefined ? {} : { dbCpuMsPerRequest: perRequest(after - before) };
}

function machineCpu(senders: Child[]): () => { service: number; database?: number; redis?: number; benchTools: number } {
  const pids = senders.map((child) => child.process.pid!);
  const databasePid = databaseServerPid();
  const read = () => ({
    service: pids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0),
    database: databasePid === undefined ? undefined : cpuTimeMsIfRunning(databasePid),
    redis: redisPid === undefined ? undefined : cpuTimeMsIfRunning(redisPid),
    benchTools: cpuTimeMs(driver!.pid) + ownCpuMs(),
  });
  const before = read();
  return () => {
    const after = read();
    const delta = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
    return {
      service: after.service - before.service,
      database: delta(after.database, before.database),
      redis: delta(after.redis, before.redis),
      benchTools: after.benchTools - before.benchTools,
    };
  };
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function perCode(cpuMs: ReturnType<ReturnType<typeof machineCpu>>, codes: number): QueueRun['cpuMsPerCode'] {
  if (codes === 0) return undefined;
  const per = (ms: number | undefined) => (ms === undefined ? undefined : round2(ms / codes));
  const total = cpuMs.service + (cpuMs.database ?? 0) + (cpuMs.redis ?? 0) + cpuMs.benchTools;
  return { service: per(cpuMs.service)!, database: per(cpuMs.database), redis: per(cpuMs.redis), benchTools: per(cpuMs.benchTools)!, total: per(total)! };
}

// ---- main -----------------------------------------------------------------------
async function main(): Promise<void> {
  const began = Date.now();
  log(`run ${run}: ${options.quick ? 'quick' : 'full'}, ${options.instances} instance(s); database ${database}, QUEUE_PREFIX ${queuePrefix}; logs in ${logDir}/${database}-*.log`);
  issuer = await new TestIssuer().start();
  redisPid = await redisServerPid(testRedisUrl());
  const token = await issuer.owner({ expiresIn: 3600, org: ORG, sub: 'bench-admin' });
  // One listener per instance, and one for the worker process of the last queue run.
  sink = await new TwilioSink().start(options.instances + 1);

  const first = await startService(1, sink.urls[0], true);
  log(`service #1 ready in ${first.startUp.readyzMs} ms (healthz ${first.startUp.healthzMs} ms)`);

  // Set-up through the API: a schema, users, Twilio providers (the first one active).
  const schema = await api(first.origin, token, 'POST', '/resources/v3alpha/user_schemas', {
    type: 'bench-person',
    schema: { type: 'object', properties: { name: { type: 'string', maxLength: 200 }, age: { type: 'integer', minimum: 0 } }, required: ['name'] },
  });
  const userIds = await insertUsers(schema.details.id, S.users);
  // A few through the API as well, so that a bulk row the service would not read shows up as a failed scenario.
  await inParallel(4, 4, (i) =>
    api(first.origin, token, 'POST', `/resources/v3alpha/users?organization.orgId=${ORG}`, { schemaId: schema.details.id, data: { name: `api user ${i}` } }),
  );
  const providerIds = await inParallel(S.providers, 4, async (i) => {
    const added = await api(first.origin, token, 'POST', '/admin/v1/sms/twilio', { sid: `ACbench${i}`, token: 'bench-token', senderNumber: '+41790000000', description: `bench ${i}` });
    return added.id as string;
  });
  await api(first.origin, token, 'POST', `/admin/v1/sms/${providerIds[0]}/_activate`);
  log(`set-up: ${userIds.length} users, ${providerIds.length} Twilio providers (${Math.round((Date.now() - began) / 1000)} s so far)`);

  const baselineOrigin = await startBaseline();
  driver = new LoadDriver();

  const patchPaths = userIds.slice(0, S.patchUsers).map((id) => `/resources/v3alpha/users/${id}`);
  const tokenPaths = providerIds.map((id) => `/admin/v1/sms/twilio/${id}/token`);
  const closed = async (origin: string, pid: number, method: Target['method'], paths: string[], body: Target['body']) => {
    const target = { origin, method, paths, body, token };
    // Warm-up as a job of its own, so that the CPU time below covers the measurement only.
    await driver!.run({ kind: 'closed', target, connections: S.connections, warmupSec: 0, durationSec: S.warmupSec });
    const dbPid = databaseServerPid();
    const [cpuBefore, dbCpuBefore] = [cpuTimeMs(pid), dbPid ? cpuTimeMsIfRunning(dbPid) : undefined];
    const result = await driver!.run({ kind: 'closed', target, connections: S.connections, warmupSec: 0, durationSec: S.durationSec });
    const perRequest = (ms: number) => round2(ms / Math.max(1, result.completed));
    return {
      ...result,
      cpuMsPerRequest: perRequest(cpuTimeMs(pid) - cpuBefore),
      ...dbCpu(dbPid, dbCpuBefore, perRequest),
    };
  };

  const scenarios: ScenarioRow[] = [];
  const pair = async (name: string, method: Target['method'], paths: string[], body: Target['body']) => {
    log(`${name}: service`);
    const service = await closed(first.origin, first.child.process.pid!, method, paths, body);
    log(`${name}: baseline`);
    const base = await closed(baselineOrigin, baseline!.process.pid!, method, paths, body);
    log(`${name}: service ${service.requestsPerSec} req/s, baseline ${base.requestsPerSec} req/s; ${await memory(first)}`);
    scenarios.push({ name, service, baseline: base });
    return { service, base };
  };
  const patch = await pair(`PATCH user data (no notification; ${patchPaths.length} users)`, 'PATCH', patchPaths, 'patch-data');
  await pair(`PUT /admin/v1/sms/twilio/{id}/token (${tokenPaths.length} providers)`, 'PUT', tokenPaths, 'twilio-token');
  await pair(`GetUser, REST (${patchPaths.length} users)`, 'GET', patchPaths, 'none');

  const grpcIds = userIds.slice(0, S.patchUsers);
  log('GetUser over native gRPC');
  const grpc = await driver.run({
    kind: 'grpc',
    address: first.grpcAddress,
    token,
    rpc: 'GetUser',
    ids: grpcIds,
    concurrency: S.grpcConcurrency,
    warmupSec: S.warmupSec,
    durationSec: S.durationSec,
  });
  log(`GetUser over native gRPC: ${grpc.requestsPerSec} req/s; ${await memory(first)}`);
  scenarios.push({ name: 'GetUser, native gRPC (@zitadel/node client)', service: grpc, baseline: null, note: grpc.unimplemented ? 'not implemented by this build: UNIMPLEMENTED' : undefined });
  if (grpc.unimplemented) {
    log('GetUser over gRPC is not implemented by this build; measuring GetSMSProvider over gRPC instead');
    const admin = await driver.run({
      kind: 'grpc',
      address: first.grpcAddress,
      token,
      rpc: 'GetSMSProvider',
      ids: providerIds,
      concurrency: S.grpcConcurrency,
      warmupSec: S.warmupSec,
      durationSec: S.durationSec,
    });
    scenarios.push({ name: 'GetSMSProvider, native gRPC (in place of GetUser)', service: admin, baseline: null });
  }

  const open = (origin: string, rate: number) =>
    driver!.run({
      kind: 'open',
      target: { origin, method: 'PATCH', paths: patchPaths, body: 'patch-data', token },
      ratePerSec: rate,
      warmupSec: S.warmupSec,
      durationSec: S.openDurationSec,
    });
  const halfService = Math.max(1, Math.round(patch.service.requestsPerSec / 2));
  const halfBaseline = Math.max(1, Math.round(patch.base.requestsPerSec / 2));
  log(`PATCH open loop at half saturation: service ${halfService}/s`);
  const halfSaturationService = await open(first.origin, halfService);
  log(`PATCH open loop at half saturation: baseline ${halfBaseline}/s`);
  log(`half saturation: ${await memory(first)}`);
  const halfSaturationBaseline = await open(baselineOrigin, halfBaseline);
  // The baseline is done; it should not take CPU from the queue runs.
  await stopChild(baseline!);

  const queue: QueueRun[] = [await queueBurst([first], token, userIds, '1')];
  log(`queue: ${queue[0].codesPerSec} codes/s (${queue[0].deliveredPerSec?.whileAccepting}/s while accepting, ${queue[0].deliveredPerSec?.after}/s after), p99 ${queue[0].latencyMs.p99} ms; CPU ms per code (service / MariaDB / Redis / load driver + stand-in = all) ${cpuPerCode(queue[0])}; ${await memory(first)}`);
  const peakRss: Array<number | undefined> = [peakRssMb(first.child.process.pid!)];
  const startUp: StartUp[] = [first.startUp];

  if (options.instances > 1) {
    const more: Service[] = [];
    for (let i = 2; i <= options.instances; i++) {
      const service = await startService(i, sink.urls[i - 1], false);
      log(`service #${i} ready in ${service.startUp.readyzMs} ms`);
      more.push(service);
      startUp.push(service.startUp);
    }
    const all = [first, ...more];
    queue.push(await queueBurst(all, token, userIds, '2'));
    log(`queue over ${all.length} instances: ${queue[1].codesPerSec} codes/s, shares ${queue[1].shares.join('/')}`);
    peakRss.length = 0;
    for (const service of all) peakRss.push(peakRssMb(service.child.process.pid!));
    for (const service of more) await stopChild(service.child);
  }

  // Sending apart from the API: the same burst through an API process that
  // only accepts and relays (NOTIFICATION_WORKERS=false) and one worker
  // process that delivers, so that the API's load does not hold delivery back.
  await stopChild(first.child);
  const workerListener = options.instances;
  const apiOnly = await startService(options.instances + 1, sink.urls[workerListener], false, { NOTIFICATION_WORKERS: 'false' });
  const worker = startWorkerProcess(sink.urls[workerListener]);
  log(`API without workers ready in ${apiOnly.startUp.readyzMs} ms, worker process started`);
  const separate = await queueBurst([apiOnly], token, userIds, '3', {
    label: '1 API process (NOTIFICATION_WORKERS=false) + 1 worker process',
    listeners: [workerListener],
    workers: [worker],
  });
  queue.push(separate);
  const separateRss = { api: peakRssMb(apiOnly.child.process.pid!), worker: peakRssMb(worker.process.pid!) };
  log(`queue with a worker process: ${separate.codesPerSec} codes/s (${separate.deliveredPerSec?.whileAccepting}/s while accepting), p99 ${separate.latencyMs.p99} ms; CPU ms per code (service / MariaDB / Redis / load driver + stand-in = all) ${cpuPerCode(separate)}; peak RSS API ${separateRss.api} MB, worker ${separateRss.worker} MB`);

  const partial: Omit<BenchReport, 'targets'> = {
    date: new Date().toISOString(),
    quick: options.quick,
    ...(options.cpuProf ? { profiled: true } : {}),
    machine: { cpus: cpus().length, node: process.versions.node, database: await databaseVersion() },
    settings: { ...S, instances: options.instances, burstWarmup: BURST_WARMUP, pool: 20, logLevel: 'info (default)', nodeFlags: options.nodeFlags.join(' '), env: options.env },
    scenarios,
    halfSaturation: { service: halfSaturationService, baseline: halfSaturationBaseline },
    queue,
    peakRssMb: peakRss,
    separateWorkerPeakRssMb: separateRss,
    startUp,
  };
  const report: BenchReport = { ...partial, targets: evaluateTargets(partial) };
  const markdown = toMarkdown(report);
  process.stdout.write('\n' + markdown + '\n');
  const files = writeResults(report, markdown);
  if (options.cpuProf) log(`CPU profiles of service #1 and of the API process without workers go to ${options.cpuProf} when they stop (summary: node -r ./test/support/ts-register.js bench/profile-summary.ts FILE)`);
  if (options.publish) files.push(...publishResults(report, markdown));
  log(`results: ${files.join(', ')}; took ${Math.round((Date.now() - began) / 1000)} s`);
  for (const run of queue) if (run.refusedSample) log(`queue: a refused PATCH: ${run.refusedSample}`);
}

/**
 * Where the service's memory goes, logged after each scenario: its RSS
 * high-water mark so far, and from its own /metrics the RSS now, the V8 heap
 * (used of reserved) and memory outside it (Buffers and native objects).
 */
async function memory(service: Service): Promise<string> {
  const text = await fetch(`${service.origin}/metrics`).then((response) => response.text(), () => '');
  const mb = (name: string) => {
    const bytes = sample(text, name, {});
    return bytes === undefined ? '?' : String(Math.round(bytes / 1e6));
  };
  const ms = (name: string) => {
    const seconds = sample(text, name, {});
    return seconds === undefined ? '?' : (seconds * 1000).toFixed(1);
  };
  return (
    `service #1 peak RSS so far ${peakRssMb(service.child.process.pid!) ?? '?'} MB; now RSS ${mb('process_resident_memory_bytes')} MB, ` +
    `V8 heap ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')} MB, external ${mb('nodejs_external_memory_bytes')} MB; ` +
    // prom-client restarts its event-loop delay histogram at every scrape: these cover the scenario just run.
    `event-loop delay p99 ${ms('nodejs_eventloop_lag_p99_seconds')} ms, max ${ms('nodejs_eventloop_lag_max_seconds')} ms`
  );
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

async function databaseVersion(): Promise<string> {
  const connection = await createConnection({ ...testDatabaseServer() });
  const [rows] = await connection.query('SELECT VERSION() AS v');
  await connection.end();
  const version = String((rows as Array<{ v: string }>)[0].v);
  return version.toLowerCase().includes('mariadb') ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}`;
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    log(`failed: ${(error as Error)?.stack ?? String(error)}`);
    await cleanup();
    process.exit(1);
  });
