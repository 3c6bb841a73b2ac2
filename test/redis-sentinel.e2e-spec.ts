import Redis from 'ioredis';
import { eventually, sleep } from './support/eventually';
import { activeTwilioProvider, enqueueCode, outboxRow, uniquePhone } from './support/notifications';
import { RedisProcess, SentinelProcess } from './support/redis-process';
import { TestApp } from './support/test-app';
import { TwilioStandIn } from './support/twilio-stand-in';

jest.setTimeout(60_000);

/**
 * REDIS_URL=redis-sentinel://…: a master, its replica and a sentinel of the
 * test's own. The service finds the master through the sentinel and, when the
 * master dies and the sentinel promotes the replica, keeps queueing and
 * delivering codes through the new master.
 */
describe('Redis behind Sentinel', () => {
  const masterName = `idt-${process.pid}`;
  let master: RedisProcess;
  let replica: RedisProcess;
  let sentinel: SentinelProcess;
  let twilio: TwilioStandIn;
  let t: TestApp;

  beforeAll(async () => {
    master = await new RedisProcess().start();
    replica = await new RedisProcess(['--replicaof', '127.0.0.1', String(master.port)]).start();
    // Sentinel finds replicas in the master's INFO, read when it connects and then every 10 s: the replica must be
    // in sync before the sentinel starts, and known to it before the master is killed, or there is none to promote.
    await eventually(async () => ((await ask(replica.port, 'INFO', 'replication')) as string).includes('master_link_status:up'));
    sentinel = await new SentinelProcess(masterName, master.port).start();
    await eventually(async () => {
      const replicas = (await ask(sentinel.port, 'SENTINEL', 'REPLICAS', masterName)) as string[][];
      return replicas.some((fields) => fields[fields.indexOf('port') + 1] === String(replica.port) && fields[fields.indexOf('flags') + 1] === 'slave');
    }, 20_000);
    twilio = await new TwilioStandIn().start();
    t = await TestApp.start({ REDIS_URL: sentinel.url, TWILIO_BASE_URL: twilio.url, NOTIFICATION_RETRY_BASE_MS: '50' });
    await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC7000', token: 'sentinel-token' });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sentinel?.stop(), replica?.stop(), master?.stop(), twilio?.stop()]);
  });

  const sentRow = (id: string) => eventually(async () => ((await outboxRow(t, id)).state === 'sent' ? outboxRow(t, id) : undefined), 30_000);
  const messagesTo = (to: string) => twilio.acceptedMessages().filter((r) => r.form.To === to);

  /** One command on a short-lived connection to a server or sentinel of the test's own. */
  async function ask(port: number, command: string, ...args: string[]): Promise<unknown> {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(command, ...args);
    } finally {
      client.disconnect();
    }
  }

  async function masterPortNamedBySentinel(): Promise<number> {
    const [, port] = (await ask(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string];
    return Number(port);
  }

  it('is ready and delivers codes through the master the sentinel names', async () => {
    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.details.redis).toEqual({ status: 'up', responseTime: expect.any(Number) });

    const to = uniquePhone();
    const row = await sentRow(await enqueueCode(t, { recipient: to, code: 'SENT01' }));
    expect(row.attempts).toBe(1);
    expect(messagesTo(to)).toHaveLength(1);
    // The jobs went through the master: BullMQ's keys are there (and replicated), not on some other server.
    const onMaster = new Redis({ port: master.port, host: '127.0.0.1' });
    try {
      expect(await onMaster.keys('idt-*:notifications:*')).not.toHaveLength(0);
    } finally {
      onMaster.disconnect();
    }
  });

  it('follows a failover: the master dies, the sentinel promotes the replica, codes keep going out once each', async () => {
    await master.stop();
    await eventually(async () => ((await masterPortNamedBySentinel()) === replica.port ? true : undefined), 30_000);

    const to = uniquePhone();
    const row = await sentRow(await enqueueCode(t, { recipient: to, code: 'SENT02' }));
    expect(row.state).toBe('sent');
    await sleep(500);
    expect(messagesTo(to)).toHaveLength(1);
    expect(messagesTo(to)[0].form.Body).toContain('SENT02');
    expect((await t.request('GET', '/readyz')).status).toBe(200);
  });

  it('is not ready when the sentinel knows no such master, and says which one without the password', async () => {
    const lost = await TestApp.start({ REDIS_URL: `redis-sentinel://:not-the-password@127.0.0.1:${sentinel.port}?sentinelMasterId=no-such-master` });
    try {
      const ready = await lost.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.redis).toEqual({
        status: 'down',
        message: expect.stringContaining(`sentinel master "no-such-master" via 127.0.0.1:${sentinel.port}`),
        responseTime: expect.any(Number),
      });
      expect(ready.text).not.toContain('not-the-password');
    } finally {
      await lost.close();
    }
  });
});
