import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from './free-port';

/**
 * A redis-server of the test's own on a free port, without persistence, that
 * can be stopped and started again on the same port. Outage tests use it;
 * the machine's shared Redis is never stopped.
 */
export class RedisProcess {
  private child?: ChildProcess;
  private dir?: string;
  port = 0;

  /** `extraArgs`: more redis-server options, e.g. ['--replicaof', '127.0.0.1', '6379']. */
  constructor(private readonly extraArgs: string[] = []) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    // A replica writes the snapshot its master sends into its directory, `--save ''` or not: a directory of its own.
    this.dir = mkdtempSync(join(tmpdir(), 'idt-redis-'));
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      stdio: 'ignore',
    });
    await waitFor(() => canConnect(this.port), 10_000, `redis-server on port ${this.port} did not start`);
    return this;
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
    this.child = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/**
 * A Redis Sentinel of the test's own (`redis-server CONF --sentinel`) that
 * monitors one master with quorum 1 and declares it down after a second, so
 * that a failover takes a few seconds.
 */
export class SentinelProcess {
  private child?: ChildProcess;
  private dir?: string;
  port = 0;

  constructor(
    readonly masterName: string,
    private readonly masterPort: number,
  ) {}

  get url(): string {
    return `redis-sentinel://127.0.0.1:${this.port}?sentinelMasterId=${this.masterName}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    // Sentinel rewrites its configuration file, so it gets one of its own.
    this.dir = mkdtempSync(join(tmpdir(), 'idt-sentinel-'));
    const conf = join(this.dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${this.port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${this.masterName} 127.0.0.1 ${this.masterPort} 1`,
        `sentinel down-after-milliseconds ${this.masterName} 1000`,
        `sentinel failover-timeout ${this.masterName} 5000`,
        '',
      ].join('\n'),
    );
    this.child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port), 10_000, `redis sentinel on port ${this.port} did not start`);
    return this;
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
    this.child = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function killAndWait(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
