import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/**
 * The node flags `npm start` gives the service (package.json's "start" is the
 * one place they are written), so that tests, the benchmark and the chaos run
 * start the API and its worker processes as operators do.
 */
export function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts.start;
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'dist/src/main.js') throw new Error(`package.json "start" is not "node [flags] dist/src/main.js": ${start}`);
  return words.slice(1, -1);
}

/** A clean environment: nothing of the developer's or CI's configuration leaks in. */
export function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

/**
 * `node [flags] dist/src/main.js` (what `npm start` runs after building), in a working
 * directory and environment of the test's choosing. Its stdout is JSON lines.
 */
export class BuiltServer {
  readonly lines: Array<Record<string, any>> = [];
  readonly stderr: string[] = [];
  url = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly process: ChildProcess;
  private readonly waiters: Array<{ test: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }> = [];

  private constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.process = spawn(process.execPath, [...startFlags(), join(PROJECT_ROOT, 'dist/src/main.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.process.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 1);
        let line: Record<string, any>;
        try {
          line = JSON.parse(text) as Record<string, any>;
        } catch {
          line = { notJson: text };
        }
        this.lines.push(line);
        for (const waiter of [...this.waiters]) {
          if (waiter.test(line)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
    this.process.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts the server and waits for its "listening on" line and a ready /readyz. */
  static async start(cwd: string, env: NodeJS.ProcessEnv): Promise<BuiltServer> {
    const server = BuiltServer.launch(cwd, env);
    await server.ready();
    return server;
  }

  /** Starts the server without waiting, so that a suite holds it (and can kill it) even if it never gets ready. */
  static launch(cwd: string, env: NodeJS.ProcessEnv): BuiltServer {
    return new BuiltServer(cwd, env);
  }

  /** Waits for the "listening on" line and a ready /readyz. */
  async ready(): Promise<void> {
    const listening = await Promise.race([
      this.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('listening on ')),
      this.exited.then((exit) => {
        throw new Error(`the server exited (${JSON.stringify(exit)}) before listening: ${this.stderr.join('')}`);
      }),
    ]);
    const port = /:(\d+) /.exec(listening.msg as string)![1];
    this.url = `http://127.0.0.1:${port}`;
    for (;;) {
      const ready = await fetch(`${this.url}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForLine(test: (line: Record<string, any>) => boolean): Promise<Record<string, any>> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** For afterAll: make sure no server outlives its suite. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** `node dist/scripts/token.js …` (what `npm run token` runs): its stdout, trimmed. */
export function runTokenScript(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(PROJECT_ROOT, 'dist/scripts/token.js'), ...args], { cwd, env }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number((error as { code?: number }).code ?? 1) : 0 });
    });
  });
}
