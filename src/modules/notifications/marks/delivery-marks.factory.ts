import { AppConfig } from '../../../config/app-config';
import { DeliveryMarks } from './delivery-marks';
import { NoDeliveryMarks } from './no-delivery-marks';
import { RedisDeliveryMarks } from './redis-delivery-marks';

/** On Redis beside the BullMQ queue when REDIS_URL is set; none with the in-process queue. */
export function createDeliveryMarks(config: AppConfig): DeliveryMarks {
  return config.redisUrl ? new RedisDeliveryMarks(config.redisUrl, config.queuePrefix) : new NoDeliveryMarks();
}
