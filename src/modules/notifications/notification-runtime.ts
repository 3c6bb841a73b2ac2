import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { NotificationDelivery } from './delivery/notification-delivery';
import { DeliveryMarks } from './marks/delivery-marks';
import { NotificationQueue } from './queue/notification-queue';
import { OutboxRelay } from './relay/outbox-relay';

/**
 * Starts the relay and (unless NOTIFICATION_WORKERS=false) the delivery
 * worker when the application is up, and stops them before the database
 * closes: on SIGTERM the relay stops polling, running jobs finish, then the
 * connections of the queue and the delivery marks close.
 */
@Injectable()
export class NotificationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('NotificationRuntime');

  constructor(
    private readonly queue: NotificationQueue,
    private readonly relay: OutboxRelay,
    private readonly delivery: NotificationDelivery,
    private readonly deliveryMarks: DeliveryMarks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.notifications.workers) {
      this.deliveryMarks.open();
      this.queue.startWorker((id, job) => this.delivery.deliver(id, job));
    }
    if (this.queue.canDeliver) this.relay.start();
    else this.logger.warn('NOTIFICATION_WORKERS=false without REDIS_URL: this process sends no codes; they wait in notification_outbox for a process with workers');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.queue.close();
    // After the running jobs: their last marks go out before the connection closes.
    await this.deliveryMarks.close();
  }
}
