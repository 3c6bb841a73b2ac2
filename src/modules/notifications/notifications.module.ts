import { Global, Module } from '@nestjs/common';
import { NotificationOutbox } from './notification-outbox';

@Global()
@Module({
  providers: [NotificationOutbox],
  exports: [NotificationOutbox],
})
export class NotificationsModule {}
