import { RedisProcess } from '../../test/support/redis-process';
import { TwilioStandIn } from '../../test/support/twilio-stand-in';
import { WorkerFleet } from './worker-fleet';

export const CHAOS_KINDS = ['kills', 'redis', 'twilio'] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];

export interface Kill {
  /** Date.now() right before the SIGKILL. */
  at: number;
  worker: number;
  pid?: number;
}

export interface ChaosTimings {
  /** A worker is killed every killEveryMs (±50 %), and restarted after 0.2–1.5 s. */
  killEveryMs: number;
  /** A 429 or 503 stretch starts every faultEveryMs (±50 %) and lasts 1–4 s. */
  faultEveryMs: number;
  /** Redis restarts when this share of the codes was accepted (one restart per entry). */
  redisRestartAt: number[];
  /** How long Redis stays down at each restart. */
  redisDownMs: [number, number];
}

/**
 * What goes wrong during the run, at random moments:
 * - a worker process that is delivering is SIGKILLed (mid-send, mid-commit,
 *   whatever it was doing) and started again after a short while;
 * - the run's own redis-server is SIGKILLed and started again on the same port,
 *   empty (no persistence: every job, lock and delayed retry in it is gone);
 * - the Twilio stand-in answers every message with 429 (Twilio 20429) or 503
 *   for a stretch.
 * `stop()` ends the chaos and leaves everything running again.
 */
export class ChaosMonkey {
  readonly kills: Kill[] = [];
  readonly redisRestarts: Array<{ downAt: number; upAt: number }> = [];
  readonly faultStretches: Array<{ status: number; from: number; to: number }> = [];
  private active = true;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly fleet: WorkerFleet,
    private readonly redis: RedisProcess,
    private readonly twilio: TwilioStandIn,
    private readonly timings: ChaosTimings,
    /** The share of codes accepted so far (0–1). */
    private readonly progress: () => number,
  ) {}

  /** Starts the chosen kinds of trouble (all three by default). */
  start(kinds: ReadonlySet<ChaosKind> = new Set(CHAOS_KINDS)): void {
    this.loops = [kinds.has('kills') && this.killLoop(), kinds.has('twilio') && this.faultLoop(), kinds.has('redis') && this.redisLoop()].filter(
      (loop): loop is Promise<void> => loop !== false,
    );
  }

  /** Ends the chaos: the loops finish their step (restart the worker, bring Redis back, end the fault). */
  async stop(): Promise<void> {
    this.active = false;
    for (const wake of [...this.sleepers]) wake();
    await Promise.all(this.loops);
    this.twilio.failAll(undefined);
    this.fleet.startAll();
  }

  private async killLoop(): Promise<void> {
    while (await this.pause(jitter(this.timings.killEveryMs))) {
      // Only a worker that is working: one still loading its modules has nothing in flight to lose.
      let candidates = this.fleet.delivering();
      while (candidates.length === 0 && (await this.pause(200))) candidates = this.fleet.delivering();
      if (candidates.length === 0) return;
      const worker = candidates[Math.floor(Math.random() * candidates.length)];
      const at = Date.now();
      const pid = await this.fleet.kill(worker);
      if (pid !== undefined) this.kills.push({ at, worker, pid });
      await sleep(200 + Math.random() * 1300);
      this.fleet.start(worker);
    }
  }

  private async faultLoop(): Promise<void> {
    let status = 503;
    while (await this.pause(jitter(this.timings.faultEveryMs))) {
      status = status === 429 ? 503 : 429;
      const from = Date.now();
      this.twilio.failAll(status === 429 ? { status, code: 20429, message: 'Too Many Requests' } : { status, message: 'Service Unavailable' });
      await sleep(1000 + Math.random() * 3000);
      this.twilio.failAll(undefined);
      this.faultStretches.push({ status, from, to: Date.now() });
    }
  }

  private async redisLoop(): Promise<void> {
    for (const share of this.timings.redisRestartAt) {
      while (this.active && this.progress() < share) await this.pause(100);
      if (!this.active) return;
      const downAt = Date.now();
      await this.redis.stop();
      const [min, max] = this.timings.redisDownMs;
      await sleep(min + Math.random() * (max - min));
      await this.redis.start();
      this.redisRestarts.push({ downAt, upAt: Date.now() });
    }
  }

  /** Sleeps unless stopped; false once the chaos is over. */
  private async pause(ms: number): Promise<boolean> {
    if (!this.active) return false;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
    return this.active;
  }
}

function jitter(ms: number): number {
  return ms * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
