import { AppConfig } from '../../../config/app-config';
import { BullmqNotificationQueue } from './bullmq-notification-queue';
import { InProcessNotificationQueue } from './in-process-notification-queue';
import { NotificationQueue } from './notification-queue';

/** BullMQ when REDIS_URL is set, else the in-process queue. */
export function createNotificationQueue(config: AppConfig): NotificationQueue {
  const settings = config.notifications;
  if (config.redisUrl) {
    return new BullmqNotificationQueue({
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      concurrency: settings.concurrency,
      retryBaseMs: settings.retryBaseMs,
      lockMs: settings.lockMs,
    });
  }
  return new InProcessNotificationQueue(settings.concurrency, settings.retryBaseMs, settings.workers);
}
