import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Server, UntypedServiceImplementation, sendUnaryData } from '@grpc/grpc-js';
import { HealthImplementation, ServingStatus } from 'grpc-health-check';
import { ReadinessService } from '../health/readiness.service';

/** How often Watch streams learn about a change of readiness. */
const WATCH_INTERVAL_MS = 10_000;

/**
 * The standard gRPC health service (grpc.health.v1.Health): SERVING while the
 * instance is ready, exactly as /readyz decides (database, migrations, Redis
 * when configured, checks other modules added, not shutting down), else
 * NOT_SERVING; for the server as a whole ("") and for each served service.
 * Check asks on every call.
 */
@Injectable()
export class GrpcHealth implements OnModuleDestroy {
  private readonly health = new HealthImplementation();
  private services: string[] = [''];
  private current?: ServingStatus;
  private timer?: NodeJS.Timeout;

  constructor(private readonly readiness: ReadinessService) {}

  addToServer(server: Server, services: readonly string[]): void {
    this.services = ['', ...services];
    this.health.addToServer({
      addService: (definition, implementation: UntypedServiceImplementation) =>
        server.addService(definition, {
          ...implementation,
          check: (call: unknown, callback: sendUnaryData<unknown>) => {
            void this.refresh().then(() => (implementation.check as (c: unknown, cb: sendUnaryData<unknown>) => void)(call, callback));
          },
        }),
    });
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), WATCH_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Tells Check callers and Watch streams NOT_SERVING now, as the shutdown
   * begins (ReadinessService.markShuttingDown makes every later refresh agree).
   */
  async refreshNow(): Promise<void> {
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const status: ServingStatus = (await this.readiness.isReady().catch(() => false)) ? 'SERVING' : 'NOT_SERVING';
    // Watchers hear about changes only.
    if (status === this.current) return;
    this.current = status;
    for (const service of this.services) this.health.setStatus(service, status);
  }
}
