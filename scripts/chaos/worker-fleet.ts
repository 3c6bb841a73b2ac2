import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../test/support/built-server';

/** Lines a worker printed last, kept for the failure report (its logs are JSON lines at LOG_LEVEL). */
const KEPT_LINES = 50;

interface Slot {
  child?: ChildProcess;
  exited?: Promise<void>;
  tail: string[];
  starts: number;
  /** The process has worked on a job since it started (loading takes seconds; killing it before tests nothing). */
  delivering: boolean;
}

/** The outbox relay's log line when the queue answers again after an outage (with downForMs). */
export const RELAY_RECOVERED = 'notification relay reaches the queue again';

/** A delivery attempt a worker logged as failed (LOG_LEVEL debug/info): the row id, the reason, when. */
export interface FailedAttempt {
  notificationId: string;
  error: string;
  at: number;
}

/**
 * The separate notification worker processes (`node dist/src/worker.js`, as
 * an operator runs them next to an API started with NOTIFICATION_WORKERS=false).
 * A slot's process can be SIGKILLed at any moment and started again.
 */
export class WorkerFleet {
  private readonly slots: Slot[];
  readonly failedAttempts: FailedAttempt[] = [];
  /** How long the workers' outbox relays could not reach the queue, per outage they logged the end of. */
  readonly relayOutagesMs: number[] = [];

  constructor(
    size: number,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.slots = Array.from({ length: size }, () => ({ tail: [], starts: 0, delivering: false }));
  }

  get size(): number {
    return this.slots.length;
  }

  startAll(): void {
    for (let slot = 0; slot < this.slots.length; slot++) this.start(slot);
  }

  start(index: number): void {
    const slot = this.slots[index];
    if (slot.child && slot.child.exitCode === null && slot.child.signalCode === null) return;
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/worker.js')], { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) this.read(slot, line);
    });
    child.stderr!.on('data', (chunk: Buffer) => this.keep(slot, chunk.toString('utf8')));
    slot.child = child;
    slot.delivering = false;
    slot.starts++;
    slot.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Slots whose process is up and has worked on a job. */
  delivering(): number[] {
    return this.slots.flatMap((slot, index) => (slot.delivering && slot.child?.exitCode === null && slot.child.signalCode === null ? [index] : []));
  }

  private read(slot: Slot, text: string): void {
    if (!text.startsWith('{')) return this.keep(slot, text);
    let line: { msg?: string; notificationId?: string; error?: string; time?: number; level?: number; downForMs?: number };
    try {
      line = JSON.parse(text);
    } catch {
      return this.keep(slot, text);
    }
    if (line.msg === RELAY_RECOVERED && typeof line.downForMs === 'number') this.relayOutagesMs.push(line.downForMs);
    if (line.msg === 'notification sent') {
      slot.delivering = true;
      return;
    }
    if (line.msg?.startsWith('notification attempt failed') && line.notificationId) {
      slot.delivering = true;
      this.failedAttempts.push({ notificationId: line.notificationId, error: line.error ?? '', at: line.time ?? Date.now() });
    }
    if ((line.level ?? 0) >= 40 || line.msg?.startsWith('notification attempt failed')) this.keep(slot, text);
  }

  private keep(slot: Slot, text: string): void {
    slot.tail.push(...text.split('\n').filter(Boolean));
    slot.tail.splice(0, Math.max(0, slot.tail.length - KEPT_LINES));
  }

  /** SIGKILL: the process dies wherever it is (mid-send, mid-commit), no clean-up. Returns its pid. */
  async kill(index: number): Promise<number | undefined> {
    const slot = this.slots[index];
    const child = slot.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
    child.kill('SIGKILL');
    await slot.exited;
    return child.pid;
  }

  /** Workers that exited without being killed by the run (a crash is a finding of its own). */
  unexpectedExits(): string[] {
    return this.slots.flatMap((slot, index) => {
      const child = slot.child;
      if (!child || (child.exitCode === null && child.signalCode === null) || child.signalCode === 'SIGKILL') return [];
      return [`worker ${index} exited by itself (code ${child.exitCode}, signal ${child.signalCode}): ${slot.tail.slice(-5).join(' | ')}`];
    });
  }

  /** At the end: SIGTERM (a graceful stop), SIGKILL after 5 s. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await slot.exited;
        clearTimeout(timer);
      }),
    );
  }

  tails(): string[] {
    return this.slots.map((slot, index) => `worker ${index} (started ${slot.starts}×):\n  ${slot.tail.slice(-10).join('\n  ')}`);
  }
}
