import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DependencyUnavailableError, OutageReporter } from '../common/errors/zitadel-error';

/** How often a database that went away is asked whether it is back. */
const PROBE_INTERVAL_MS = 250;

/**
 * Logs a database outage once: a warning when the first request is refused
 * for it, and a line when the database answers again, with how long it was
 * gone and how many requests were refused meanwhile. Requests refused in
 * between log no line of their own beyond their request line. Whether it is
 * back is asked with `SELECT 1` every PROBE_INTERVAL_MS while it is gone,
 * so the return is noticed without waiting for traffic.
 */
@Injectable()
export class DatabaseAvailability extends OutageReporter implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private outage?: { since: number; refused: number };
  private probe?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  refused(error: DependencyUnavailableError): void {
    if (this.outage) {
      this.outage.refused++;
      return;
    }
    this.outage = { since: Date.now(), refused: 1 };
    this.logger.warn({ reason: error.reason }, 'database unavailable: requests that need it are answered UNAVAILABLE (503, gRPC code 14) until it is back');
    this.scheduleProbe();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.probe);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probe = setTimeout(() => void this.askWhetherBack(), PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private async askWhetherBack(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      this.scheduleProbe();
      return;
    }
    const outage = this.outage;
    this.outage = undefined;
    if (outage) this.logger.log({ downForMs: Date.now() - outage.since, refusedRequests: outage.refused }, 'database reachable again');
  }
}
