import { Foundation1763880000000 } from './1763880000000-foundation';
import { NotificationOutbox1763880100000 } from './1763880100000-notification-outbox';
import { NotificationDelivery1763880200000 } from './1763880200000-notification-delivery';
import { Users1763880300000 } from './1763880300000-users';
import { NotificationSendCounters1763880400000 } from './1763880400000-notification-send-counters';

/**
 * The SQLite twins of ../index.ts's MySQL migrations, oldest first, with the
 * same names (mirror.spec.ts checks that every MySQL migration has one).
 */
export const SQLITE_MIGRATIONS = [Foundation1763880000000, NotificationOutbox1763880100000, NotificationDelivery1763880200000, Users1763880300000, NotificationSendCounters1763880400000];
