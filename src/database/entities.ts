import { ChangeLogEntry } from '../common/persistence/change-log.entity';
import { InstanceEntity } from './instance.entity';
import { SmsProviderEntity } from '../modules/sms/sms-provider.entity';

/** Every TypeORM entity of the service. */
export const ENTITIES = [InstanceEntity, ChangeLogEntry, SmsProviderEntity];
