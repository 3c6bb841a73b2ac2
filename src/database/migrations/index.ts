import { Foundation1763880000000 } from './1763880000000-foundation';
import { NotificationOutbox1763880100000 } from './1763880100000-notification-outbox';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [Foundation1763880000000, NotificationOutbox1763880100000];
