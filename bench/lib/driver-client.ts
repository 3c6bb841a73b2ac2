import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { BurstJob, BurstResult, Job, LoadResult } from './jobs';
import { ROOT } from './processes';

/** The load driver as a child process with IPC: one job at a time. */
export class LoadDriver {
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor() {
    this.child = fork(join(__dirname, 'load-driver.ts'), [], {
      cwd: ROOT,
      execArgv: ['-r', join(ROOT, 'test/support/ts-register.js')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`load driver: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    this.child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the load driver exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Its process id (its CPU time is part of what a benchmark costs the machine). */
  get pid(): number {
    return this.child.pid!;
  }

  run(job: BurstJob): Promise<BurstResult>;
  run(job: Exclude<Job, BurstJob>): Promise<LoadResult>;
  run(job: Job): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job });
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
