import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Server, UntypedServiceImplementation, sendUnaryData } from '@grpc/grpc-js';
import { HealthImplementation, ServingStatus } from 'grpc-health-check';
import { DataSource } from 'typeorm';

const PROBE_TIMEOUT_MS = 2_000;
/** How often Watch streams learn about a change of the database's state. */
const WATCH_INTERVAL_MS = 10_000;

/**
 * The standard gRPC health service (grpc.health.v1.Health): SERVING while the
 * database answers, NOT_SERVING otherwise, for the server as a whole ("") and
 * for each served service. Check probes the database on every call.
 */
@Injectable()
export class GrpcHealth implements OnModuleDestroy {
  private readonly health = new HealthImplementation();
  private services: string[] = [''];
  private current?: ServingStatus;
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

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

  private async refresh(): Promise<void> {
    const status: ServingStatus = (await this.databaseAnswers()) ? 'SERVING' : 'NOT_SERVING';
    // Watchers hear about changes only.
    if (status === this.current) return;
    this.current = status;
    for (const service of this.services) this.health.setStatus(service, status);
  }

  private async databaseAnswers(): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_resolve, reject) => (timeout = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS))),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }
}
