import { Foundation1763880000000 } from './1763880000000-foundation';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [Foundation1763880000000];
