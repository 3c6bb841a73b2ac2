/**
 * The load generator, a process of its own (forked by bench/run.ts with IPC):
 * the servers under test and the client never share an event loop. It runs
 * one job at a time and sends back its result.
 */
import autocannon from 'autocannon';
import { createAccessTokenInterceptor, createAdminClient } from '@zitadel/node/dist/api/index.js';
import { ZITADELUsersDefinition } from '@zitadel/node/dist/api/generated/zitadel/resources/user/v3alpha/user_service.js';
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ClientError, Metadata, Status, createChannel, createClient } from 'nice-grpc';
import { BodyKind, BurstJob, BurstResult, ClosedLoopJob, GrpcJob, Job, LoadResult, OpenLoopJob, Target, percentiles } from './jobs';

/** A body per request: unique values so that every PATCH changes the row and every PUT writes. */
function bodyMaker(kind: BodyKind): (n: number) => string | undefined {
  const run = randomBytes(4).toString('hex');
  if (kind === 'patch-data') return (n) => JSON.stringify({ data: { name: `bench ${run} ${n}`, age: n % 100 } });
  if (kind === 'twilio-token') return (n) => JSON.stringify({ token: `bench-token-${run}-${n}` });
  return () => undefined;
}

function headers(target: Target): Record<string, string> {
  return { authorization: `Bearer ${target.token}`, ...(target.body === 'none' ? {} : { 'content-type': 'application/json' }) };
}

async function closedLoop(job: ClosedLoopJob): Promise<LoadResult> {
  const run = (durationSec: number, onResponse?: (status: number, ms: number) => void) => {
    const makeBody = bodyMaker(job.target.body);
    let n = 0;
    return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: job.target.origin,
      connections: job.connections,
      duration: durationSec,
      headers: headers(job.target),
      requests: [
        {
          method: job.target.method,
          setupRequest: (request) => {
            const i = n++;
            request.path = job.target.paths[i % job.target.paths.length];
            const body = makeBody(i);
            if (body !== undefined) request.body = body;
            return request;
          },
        },
      ],
    }, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse) instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms));
    });
  };
  if (job.warmupSec > 0) await run(job.warmupSec);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const result = await run(job.durationSec, (status, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else failures++;
  });
  const elapsed = (performance.now() - started) / 1000;
  failures += result.errors + result.timeouts;
  return {
    requestsPerSec: Math.round(latencies.length / Math.min(elapsed, result.duration || elapsed)),
    latencyMs: percentiles(latencies),
    completed: latencies.length,
    failures,
    ...(failures ? { failureSample: `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}` } : {}),
  };
}

/**
 * Open loop at a fixed rate: request i is due at start + i/rate and is sent
 * then, however many are still in flight; its latency counts from when it was
 * due, so a stall shows up in the percentiles instead of slowing the client
 * down (no coordinated omission). Requests due in the warm-up are not counted.
 */
async function openLoop(job: OpenLoopJob): Promise<LoadResult> {
  const origin = new URL(job.target.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const makeBody = bodyMaker(job.target.body);
  const baseHeaders = headers(job.target);
  const interval = 1000 / job.ratePerSec;
  const total = Math.round((job.warmupSec + job.durationSec) * job.ratePerSec);
  const measuredFrom = Math.round(job.warmupSec * job.ratePerSec);
  const latencies: number[] = [];
  let failures = 0;
  let failureSample: string | undefined;
  let done = 0;
  let sent = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const send = (i: number, due: number) => {
      const body = makeBody(i);
      const request = httpRequest(
        {
          host: origin.hostname,
          port: origin.port,
          method: job.target.method,
          path: job.target.paths[i % job.target.paths.length],
          agent,
          headers: body === undefined ? baseHeaders : { ...baseHeaders, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => finish(i, due, response.statusCode ?? 0));
        },
      );
      // A kept-alive socket the server closed as the request went out: it was never read; send it again (still timed from when it was due).
      request.on('error', (error: NodeJS.ErrnoException) => (request.reusedSocket && error.code === 'ECONNRESET' ? send(i, due) : finish(i, due, 0, error.message)));
      request.end(body);
    };
    const finish = (i: number, due: number, status: number, error?: string) => {
      if (i >= measuredFrom) {
        if (status >= 200 && status < 300) latencies.push(performance.now() - due);
        else {
          failures++;
          failureSample ??= error ?? `HTTP ${status}`;
        }
      }
      if (++done === total) resolve();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent, start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - performance.now())));
    };
    tick();
  });
  agent.destroy();
  return {
    requestsPerSec: Math.round(latencies.length / job.durationSec),
    targetRatePerSec: job.ratePerSec,
    latencyMs: percentiles(latencies),
    completed: latencies.length,
    failures,
    ...(failureSample ? { failureSample } : {}),
  };
}

/** N calls in flight at all times over one HTTP/2 channel (ZITADEL's Node client). */
async function grpcLoop(job: GrpcJob): Promise<LoadResult> {
  const channel = createChannel(job.address);
  let call: (id: string) => Promise<unknown>;
  if (job.rpc === 'GetUser') {
    const users = createClient(ZITADELUsersDefinition, channel, { '*': { metadata: Metadata({ authorization: `Bearer ${job.token}` }) } });
    call = (id) => users.getUser({ id });
  } else {
    const admin = createAdminClient(job.address, createAccessTokenInterceptor(job.token));
    call = (id) => admin.getSMSProvider({ id });
  }
  try {
    await call(job.ids[0]);
  } catch (error) {
    if (error instanceof ClientError && error.code === Status.UNIMPLEMENTED) {
      channel.close();
      return { requestsPerSec: 0, latencyMs: { p50: NaN, p95: NaN, p99: NaN, max: NaN }, completed: 0, failures: 0, unimplemented: true };
    }
    throw error;
  }
  let n = 0;
  const loop = async (until: number, record?: (ms: number) => void, fail?: (error: unknown) => void) => {
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < until) {
          const id = job.ids[n++ % job.ids.length];
          const started = performance.now();
          try {
            await call(id);
            record?.(performance.now() - started);
          } catch (error) {
            fail?.(error);
          }
        }
      }),
    );
  };
  await loop(performance.now() + job.warmupSec * 1000);
  const latencies: number[] = [];
  let failures = 0;
  let failureSample: string | undefined;
  const started = performance.now();
  await loop(
    started + job.durationSec * 1000,
    (ms) => latencies.push(ms),
    (error) => {
      failures++;
      failureSample ??= String((error as Error)?.message ?? error);
    },
  );
  const elapsed = (performance.now() - started) / 1000;
  channel.close();
  return {
    requestsPerSec: Math.round(latencies.length / elapsed),
    latencyMs: percentiles(latencies),
    completed: latencies.length,
    failures,
    ...(failureSample ? { failureSample } : {}),
  };
}

/** Every PATCH as fast as `concurrency` connections allow; the accept time of each phone number is what the latency starts from. */
async function burst(job: BurstJob): Promise<BurstResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency * job.origins.length });
  const acceptedAt: Record<string, number> = {};
  let failures = 0;
  let failureSample: string | undefined;
  let next = 0;
  const startedAt = Date.now();
  const patch = (i: number) =>
    new Promise<void>((resolve) => {
      const { id, phone } = job.users[i];
      const origin = new URL(job.origins[i % job.origins.length]);
      const body = JSON.stringify({ contact: { phone: { number: phone, sendCode: {} } } });
      const request = httpRequest(
        {
          host: origin.hostname,
          port: origin.port,
          method: 'PATCH',
          path: `/resources/v3alpha/users/${id}`,
          agent,
          headers: { authorization: `Bearer ${job.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (response.statusCode === 200) acceptedAt[phone] = Date.now();
            else {
              failures++;
              failureSample ??= `HTTP ${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as this request went out:
        // the server never read it, so sending it again cannot make a second code.
        if (request.reusedSocket && error.code === 'ECONNRESET') return void patch(i).then(resolve);
        failures++;
        failureSample ??= error.message;
        resolve();
      });
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.users.length) await patch(next++);
    }),
  );
  agent.destroy();
  return { startedAt, finishedAt: Date.now(), acceptedAt, failures, ...(failureSample ? { failureSample } : {}) };
}

function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'closed':
      return closedLoop(job);
    case 'open':
      return openLoop(job);
    case 'grpc':
      return grpcLoop(job);
    case 'burst':
      return burst(job);
  }
}

process.on('message', (message: { id: number; job: Job }) => {
  run(message.job).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: String((error as Error)?.stack ?? error) }),
  );
});
// The orchestrator went away (Ctrl-C, crash): so does the driver.
process.on('disconnect', () => process.exit(0));
