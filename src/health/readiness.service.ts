import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/app-config';
import { dialectOf } from '../common/persistence/dialect';
import { pingRedis } from './redis-ping';

const CHECK_TIMEOUT_MS = 3_000;

/**
 * Whether this instance should get traffic: the database answers, its
 * migrations are applied, Redis answers when REDIS_URL is set, and no shutdown
 * has begun. `/readyz` and the gRPC health service both ask here; other modules
 * may add a check of their own (`addCheck`). A change of readiness is
 * logged once (a warning with the failed checks when it is lost, a line when
 * it is back), not every poll.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private shuttingDown = false;
  /** What the last check said; a probe that polls every second logs only when this changes. */
  private lastReady = true;
  private readonly extraChecks = new Map<string, (signal: AbortSignal) => Promise<void>>();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Liveness: the process serves requests, during a shutdown's grace period too (only readiness turns then). */
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness, in terminus' shape; never throws (status 'error' or 'shutting_down' instead). */
  async check(): Promise<HealthCheckResult> {
    const result = await this.run(this.indicators());
    if (!this.shuttingDown) this.noteChange(result);
    return result;
  }

  async isReady(): Promise<boolean> {
    return (await this.check()).status === 'ok';
  }

  /** A check that must pass for readiness, e.g. the queue worker of the delivery module. */
  addCheck(name: string, check: (signal: AbortSignal) => Promise<void>): void {
    this.extraChecks.set(name, check);
  }

  /** From now on not ready: load balancers stop sending new requests. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  private indicators(): HealthIndicatorFunction[] {
    const dialect = dialectOf(this.dataSource);
    const checks: HealthIndicatorFunction[] = [
      () =>
        this.indicator
          .check('database')
          .attempt(async () => {
            await this.dataSource.query('SELECT 1');
            return { dialect };
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicator
          .check('migrations')
          .attempt(async () => {
            if (await this.dataSource.showMigrations()) throw new Error('migrations are pending');
          })
          .withTimeout(CHECK_TIMEOUT_MS),
    ];
    const redisUrl = this.config.redisUrl;
    if (redisUrl) {
      checks.push(() => this.indicator.check('redis').attempt(({ signal }) => pingRedis(redisUrl, signal)).withTimeout(CHECK_TIMEOUT_MS));
    }
    for (const [name, check] of this.extraChecks) {
      checks.push(() => this.indicator.check(name).attempt(({ signal }) => check(signal)).withTimeout(CHECK_TIMEOUT_MS));
    }
    return checks;
  }

  private noteChange(result: HealthCheckResult): void {
    const ready = result.status === 'ok';
    if (ready === this.lastReady) return;
    this.lastReady = ready;
    if (ready) this.logger.log('ready again');
    else this.logger.warn({ failed: failedChecks(result) }, 'not ready');
  }

  private async run(indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    if (this.shuttingDown) return { status: 'shutting_down', info: {}, error: {}, details: {} };
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}

/** `{database: "connect ECONNREFUSED 127.0.0.1:3306", …}`: each failed check and its message. */
function failedChecks(result: HealthCheckResult): Record<string, string> {
  return Object.fromEntries(
    Object.entries(result.error ?? {}).map(([name, detail]) => [name, typeof detail?.message === 'string' ? detail.message : String(detail?.status ?? 'down')]),
  );
}
