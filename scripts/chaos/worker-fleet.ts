import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, startFlags } from '../../test/support/built-server';
import { ALREADY_SENT, FOUND_AT_PROVIDER } from '../../src/modules/notifications/delivery/notification-delivery';
import { LOCK_RENEWAL_FAILED, STALLED_JOB_REQUEUED } from '../../src/modules/notifications/queue/bullmq-notification-queue';

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

/** CHAOS_WORKER_LOG: a file that gets every line the workers print, prefixed with their slot (for digging into a failed run). */
const WORKER_LOG = process.env.CHAOS_WORKER_LOG;

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
  /** Row id → Date.now() when its worker wrote the "sent" mark (from its "notification sent" line). */
  readonly markedAt = new Map<string, number>();
  /** Row ids whose job found the mark of an earlier run and did not send again. */
  readonly alreadySent: string[] = [];
  /** Rows whose attempt in doubt a job found among Twilio's messages (FOUND_AT_PROVIDER). */
  readonly foundAtProvider: string[] = [];
  /** Jobs a worker's stalled-job check queued again (their worker was killed, or renewed its lock too late). */
  stalledJobs = 0;
  /** Job locks a live worker could not renew in time (a false stall: another worker may run the job too). */
  lockRenewalFailures = 0;
  private readonly crashes: string[] = [];
  private stopping = false;

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
    const child = spawn(process.execPath, [...startFlags(), join(PROJECT_ROOT, 'dist/src/worker.js')], { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) this.read(slot, line);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (WORKER_LOG) appendFileSync(WORKER_LOG, `${index} stderr ${chunk}\n`);
      this.keep(slot, chunk.toString('utf8'));
    });
    slot.child = child;
    slot.delivering = false;
    slot.starts++;
    slot.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        // A worker that exits by itself is a finding even if the run starts it again (the monkey and stop() do).
        if (signal !== 'SIGKILL' && !this.stopping) {
          this.crashes.push(`worker ${index} (pid ${child.pid}) exited by itself at ${new Date().toISOString()} (code ${code}, signal ${signal}): ${slot.tail.slice(-5).join(' | ')}`);
        }
        resolve();
      }),
    );
  }

  /** Slots whose process is up and has worked on a job. */
  delivering(): number[] {
    return this.slots.flatMap((slot, index) => (slot.delivering && slot.child?.exitCode === null && slot.child.signalCode === null ? [index] : []));
  }

  private read(slot: Slot, text: string): void {
    if (WORKER_LOG) appendFileSync(WORKER_LOG, `${this.slots.indexOf(slot)} ${text}\n`);
    if (!text.startsWith('{')) return this.keep(slot, text);
    let line: { msg?: string; notificationId?: string; notificationIds?: string[]; error?: string; time?: number; level?: number; downForMs?: number; markedAt?: number };
    try {
      line = JSON.parse(text);
    } catch {
      return this.keep(slot, text);
    }
    if (line.msg === RELAY_RECOVERED && typeof line.downForMs === 'number') this.relayOutagesMs.push(line.downForMs);
    if (line.msg === 'notification sent') {
      slot.delivering = true;
      if (line.notificationId && typeof line.markedAt === 'number') this.markedAt.set(line.notificationId, line.markedAt);
      return;
    }
    if (line.msg === ALREADY_SENT && line.notificationId) this.alreadySent.push(line.notificationId);
    if (line.msg === FOUND_AT_PROVIDER && line.notificationId) this.foundAtProvider.push(line.notificationId);
    if (line.msg === STALLED_JOB_REQUEUED) this.stalledJobs++;
    if (line.msg === LOCK_RENEWAL_FAILED) this.lockRenewalFailures += line.notificationIds?.length ?? 1;
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
    return [...this.crashes];
  }

  /** At the end: SIGTERM (a graceful stop), SIGKILL after 5 s. */
  async stopAll(): Promise<void> {
    this.stopping = true;
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
