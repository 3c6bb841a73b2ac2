/**
 * What clients and the log see while the service's database goes away:
 *
 *   npm run build && node -r ./test/support/ts-register.js bench/dependency-outage.ts [--rate 80] [--down 10]
 *
 * Starts a mariadbd and a redis-server of its own (never the machine's), the
 * built server on them (production topology, LOG_LEVEL=info), and sends
 * GetUser over REST at a steady rate. It SIGKILLs the database, starts it
 * again after `--down` seconds, then does the same with SIGTERM, and prints
 * per phase the answers by status and gRPC code and the log lines by level
 * and message. Then: a request whose query is in flight when the database is
 * SIGKILLed, and what /readyz and a GET answer in the seconds after SIGTERM.
 */
import { Pool, createPool } from 'mysql2/promise';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltServer, bareEnv } from '../test/support/built-server';
import { freePort } from '../test/support/free-port';
import { MariadbProcess } from '../test/support/mariadb-process';
import { RedisProcess } from '../test/support/redis-process';
import { TestIssuer } from '../test/support/test-issuer';

const MASTER_KEY = 'outage-master-key-0123456789abcd';
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RATE = argument('rate', 80);
const DOWN_S = argument('down', 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  at: number;
  outcome: string;
}

async function main(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'idt-outage-'));
  const database = await new MariadbProcess().start();
  const redis = await new RedisProcess().start();
  const issuer = await new TestIssuer().start();
  let server: BuiltServer | undefined;
  let pool: Pool | undefined;
  try {
    server = await BuiltServer.start(
      cwd,
      bareEnv({
        HOST: '127.0.0.1',
        HTTP_PORT: String(await freePort()),
        GRPC_PORT: String(await freePort()),
        DATABASE_URL: database.urlFor('identity'),
        REDIS_URL: redis.url,
        MASTER_KEY,
        AUTH_ISSUER: issuer.url,
        LOG_LEVEL: 'info',
        // Ignored by builds without it; short, so that the shutdown phase below is quick.
        SHUTDOWN_GRACE_SECONDS: '3',
      }),
    );
    const token = await issuer.owner();
    const api = (method: string, path: string, body?: unknown) =>
      fetch(server!.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = async (response: Promise<Response>) => {
      const answer = await response;
      if (answer.status >= 300) throw new Error(`set-up failed: ${answer.status} ${await answer.text()}`);
      return answer.json() as Promise<any>;
    };
    const schema = await created(api('POST', '/resources/v3alpha/user_schemas', { type: 'outage', schema: { type: 'object' } }));
    const user = await created(api('POST', '/resources/v3alpha/users?organization.orgId=org-1', { schemaId: schema.details.id, data: {} }));
    const provider = await created(api('POST', '/admin/v1/sms/twilio', { sid: 'AC1', token: 't', senderNumber: '+41791234567' }));

    const answers: Answer[] = [];
    let loading = true;
    const load = (async () => {
      const every = 1000 / RATE;
      for (let next = Date.now(); loading; next += every) {
        await sleep(Math.max(0, next - Date.now()));
        const at = Date.now();
        void api('GET', `/resources/v3alpha/users/${user.details.id}`).then(
          async (response) => {
            const body: any = await response.json().catch(() => undefined);
            answers.push({ at, outcome: `${response.status} code ${body?.code ?? 0}` });
          },
          (error: Error) => answers.push({ at, outcome: `no answer (${(error.cause as { code?: string })?.code ?? error.message})` }),
        );
      }
    })();

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      await sleep(2000);
      const fromLine = server.lines.length;
      const downAt = Date.now();
      await (signal === 'SIGKILL' ? database.kill() : database.stop());
      // A load balancer's readiness probe, twice a second.
      const probes = (async () => {
        for (let polls = 0; polls < (DOWN_S + 2) * 2; polls++) {
          await fetch(`${server!.url}/readyz`).catch(() => undefined);
          await sleep(500);
        }
      })();
      await sleep(DOWN_S * 1000);
      await database.start();
      const upAt = Date.now();
      await probes;
      report(`database ${signal}ed, started again ${DOWN_S} s later`, answers, server.lines.slice(fromLine), downAt, upAt);
    }
    loading = false;
    await load;
    await sleep(500);

    // A query in flight when the database dies: the token rotation waits for the provider's row, which the test holds.
    pool = createPool({ ...database.connection, database: 'identity', connectionLimit: 1 });
    const holder = await pool.getConnection();
    await holder.query('START TRANSACTION');
    await holder.query('SELECT id FROM sms_providers WHERE id = ? FOR UPDATE', [provider.id]);
    const fromLine = server.lines.length;
    const rotation = api('PUT', `/admin/v1/sms/twilio/${provider.id}/token`, { token: 'rotated' });
    await sleep(500);
    await database.kill();
    const response = await rotation;
    const body: any = await response.json().catch(() => undefined);
    holder.destroy();
    await pool.end().catch(() => undefined);
    pool = undefined;
    console.log(`\n## query in flight when the database is SIGKILLed\nanswer: ${response.status}, code ${body?.code}, id ${body?.details?.[0]?.id}`);
    console.log(`log lines: ${JSON.stringify(countLines(server.lines.slice(fromLine)))}`);
    await database.start();
    await sleep(1500);

    // SIGTERM: what /readyz and an API request answer every 250 ms until the process is gone.
    console.log('\n## after SIGTERM (every 250 ms: /readyz, GET user on a new connection)');
    const signalledAt = Date.now();
    server.signal('SIGTERM');
    let exited = false;
    void server.exited.then(() => (exited = true));
    while (!exited && Date.now() - signalledAt < 40_000) {
      const probe = async (path: string, headers: Record<string, string> = {}) => {
        try {
          const answer = await fetch(server!.url + path, { headers: { connection: 'close', ...headers } });
          return String(answer.status);
        } catch (error) {
          return `refused (${((error as Error).cause as { code?: string })?.code ?? (error as Error).message})`;
        }
      };
      const [ready, get] = await Promise.all([probe('/readyz'), probe(`/resources/v3alpha/users/${user.details.id}`, { authorization: `Bearer ${token}` })]);
      console.log(`+${String(Date.now() - signalledAt).padStart(5)} ms  readyz ${ready}  GET ${get}`);
      await sleep(250);
    }
    console.log(`exit: ${JSON.stringify(await server.exited)}`);
  } finally {
    await pool?.end().catch(() => undefined);
    await server?.kill();
    await issuer.stop();
    await redis.stop();
    await database.remove();
    rmSync(cwd, { recursive: true, force: true });
  }
}

function countLines(lines: Array<Record<string, any>>): Record<string, number> {
  const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const key = `${levels[line.level] ?? line.level} "${String(line.msg).slice(0, 70)}"${line.err?.stack ? ' (with stack)' : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function report(title: string, answers: Answer[], lines: Array<Record<string, any>>, downAt: number, upAt: number): void {
  const during = answers.filter((answer) => answer.at >= downAt && answer.at < upAt);
  const outcomes: Record<string, number> = {};
  for (const answer of during) outcomes[answer.outcome] = (outcomes[answer.outcome] ?? 0) + 1;
  const seconds = (upAt - downAt) / 1000;
  const duringLines = lines.filter((line) => line.time >= downAt && line.time < upAt);
  const firstOkAfter = answers.find((answer) => answer.at >= upAt && answer.outcome.startsWith('200'));
  console.log(`\n## ${title}`);
  console.log(`requests sent while down: ${during.length} in ${seconds.toFixed(1)} s; answers: ${JSON.stringify(outcomes)}`);
  const perSecond = Object.fromEntries(Object.entries(countLines(duringLines)).map(([key, count]) => [key, +(count / seconds).toFixed(1)]));
  console.log(`log lines per second while down: ${JSON.stringify(perSecond)}`);
  console.log(`log lines other than request lines, down and 2 s after: ${JSON.stringify(countLines(lines.filter((line) => !line.req || line.err)))}`);
  console.log(`first 200 sent ${firstOkAfter ? firstOkAfter.at - upAt : '–'} ms after the database listened again`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
