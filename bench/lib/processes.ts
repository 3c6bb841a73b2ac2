import { ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const ROOT = join(__dirname, '..', '..');
const TS_REGISTER = join(ROOT, 'test/support/ts-register.js');

/** Every child this run started, so that cleanup (also on SIGINT or a crash) stops them all. */
const children = new Set<ChildProcess>();

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a child whose stdout and stderr go to a log file (not through a pipe
 * to this process: the service's request logs would otherwise cost this
 * process CPU during the measurement).
 */
export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { name, process: child, logFile, exited };
}

export function tsArgs(script: string, ...args: string[]): string[] {
  return ['-r', TS_REGISTER, join(ROOT, script), ...args];
}

/** SIGTERM (graceful), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Last resort (exit handler): no child outlives the run. */
export function killAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** Polls `url` until it answers 200; rejects if the child exits first or after `timeoutMs`. */
export async function waitFor200(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${child.name} exited before ${url} answered; see ${child.logFile}:\n${tail(child.logFile)}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s; see ${child.logFile}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Peak resident set size in MB (VmHWM: the kernel's high-water mark for the process). */
export function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat; clock ticks of 10 ms). */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * cpuTimeMs of a process the bench did not start (MariaDB, Redis), or undefined once it is gone:
 * databaseServerPid may pick a short-lived mariadbd that other work on the machine started.
 */
export function cpuTimeMsIfRunning(pid: number): number | undefined {
  try {
    return cpuTimeMs(pid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The pid of the Redis server at `url` (INFO's process_id), when that process runs on this machine. */
export async function redisServerPid(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
    return pid > 0 && /redis/.test(readFileSync(`/proc/${pid}/comm`, 'utf8')) ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** The local MariaDB/MySQL server's pid, when it runs on this machine (its CPU time is part of a request's cost). */
export function databaseServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
