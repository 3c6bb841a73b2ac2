import { ChangeLogEntry } from '../common/persistence/change-log.entity';
import { InstanceEntity } from './instance.entity';
import { SmsProviderEntity } from '../modules/sms/sms-provider.entity';
import { NotificationEntity } from '../modules/notifications/notification.entity';
import { UserSchemaEntity } from '../modules/users/user-schema.entity';
import { UserEntity } from '../modules/users/user.entity';
import { VerificationCodeEntity } from '../modules/users/verification-code.entity';

/** Every TypeORM entity of the service. */
export const ENTITIES = [InstanceEntity, ChangeLogEntry, SmsProviderEntity, NotificationEntity, UserSchemaEntity, UserEntity, VerificationCodeEntity];
