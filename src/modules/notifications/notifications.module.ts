import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SmsModule } from '../sms/sms.module';
import { NotificationDelivery } from './delivery/notification-delivery';
import { EmailSender } from './email/email-sender';
import { SendLimitRepository } from './limits/send-limit.repository';
import { SendLimits } from './limits/send-limits';
import { NotificationOutbox } from './notification-outbox';
import { NotificationRepository } from './notification.repository';
import { DeliveryMarks } from './marks/delivery-marks';
import { createDeliveryMarks } from './marks/delivery-marks.factory';
import { NotificationRuntime } from './notification-runtime';
import { NotificationQueue } from './queue/notification-queue';
import { createNotificationQueue } from './queue/notification-queue.factory';
import { OutboxRelay } from './relay/outbox-relay';
import { ActiveSmsProvider } from './sms/active-sms-provider';

@Module({
  imports: [SmsModule],
  providers: [
    NotificationOutbox,
    NotificationRepository,
    SendLimits,
    SendLimitRepository,
    { provide: NotificationQueue, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createNotificationQueue(config) },
    { provide: DeliveryMarks, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createDeliveryMarks(config) },
    OutboxRelay,
    NotificationDelivery,
    ActiveSmsProvider,
    EmailSender,
    NotificationRuntime,
  ],
  exports: [NotificationOutbox],
})
export class NotificationsModule {}
