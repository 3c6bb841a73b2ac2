import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from './free-port';

/**
 * A mariadbd of the test's own: a fresh data directory, a free port on
 * 127.0.0.1, root without a password. It can be SIGKILLed or stopped
 * (SIGTERM) and started again on the same port and data. Outage tests use
 * it; the machine's shared MariaDB is never stopped. Installing the data
 * directory and starting the server take well under a second here.
 */
export class MariadbProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private dir?: string;
  port = 0;

  /** Whether the server was started and has not been killed or stopped since. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** A DATABASE_URL for `database` on this server. */
  urlFor(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  get connection(): { host: string; port: number; user: string } {
    return { host: '127.0.0.1', port: this.port, user: 'root' };
  }

  async start(): Promise<this> {
    if (!this.dir) {
      this.dir = mkdtempSync(join(tmpdir(), 'idt-mariadb-'));
      await run('mariadb-install-db', [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--user=root',
        // A small redo log: the default one is 100 MB of temporary disk.
        '--innodb-log-file-size=8M',
      ]);
    }
    this.port ||= await freePort();
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        `--socket=${join(this.dir, 'mariadbd.sock')}`,
        `--pid-file=${join(this.dir, 'mariadbd.pid')}`,
        '--skip-networking=0',
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        '--innodb-log-file-size=8M',
        '--innodb-buffer-pool-size=32M',
        `--log-error=${join(this.dir, 'error.log')}`,
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await waitFor(() => canConnect(this.port), 20_000, `mariadbd on port ${this.port} did not start (log: ${join(this.dir, 'error.log')})`);
    return this;
  }

  /** SIGKILL: the server dies with its connections and the queries in flight. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** SIGTERM: MariaDB's own shutdown (it ends its connections, then exits). */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  /** Kills the server and removes its data directory. */
  async remove(): Promise<void> {
    await this.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await this.exited;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (error, _stdout, stderr) => (error ? reject(new Error(`${command} failed: ${stderr || error.message}`)) : resolve()));
  });
}
