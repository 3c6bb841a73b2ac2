import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { testDatabaseUrl } from './environment';
import { TEST_MASTER_KEY, TestApp } from './test-app';

const ROOT = join(__dirname, '..', '..');

/**
 * A separate notification worker process (`src/worker.ts`, run from the
 * TypeScript sources through SWC), as an operator would run next to the API.
 */
export class WorkerProcess {
  private child?: ChildProcess;
  private output = '';
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  private exited?: Promise<void>;

  constructor(private readonly env: Record<string, string>) {}

  start(): this {
    this.child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child!.once('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolve();
      }),
    );
    return this;
  }

  /** SIGKILL: the process dies mid-job, without any clean-up. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the process shuts down as an orchestrator asks it to. */
  async terminate(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
  }

  /** Everything the process printed (for failure messages). */
  get log(): string {
    return this.output;
  }
}

/** What a worker needs to join a test app's deployment: its database, key, issuer and queue, with Redis and Twilio as the suite runs them. */
export function workerEnvFor(api: TestApp, redisUrl: string, twilioUrl: string): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(api.database),
    MASTER_KEY: TEST_MASTER_KEY,
    AUTH_ISSUER: api.issuer.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: api.config.queuePrefix,
    TWILIO_BASE_URL: twilioUrl,
  };
}
