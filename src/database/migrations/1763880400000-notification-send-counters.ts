import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Send counters per user, per caller and per instance for the send limits
 * beyond the number: one row per (channel, scope, subject, clock hour, shard).
 * Busy subjects (a caller's batch, the whole instance) spread their count over
 * several shard rows so that concurrent transactions rarely wait for each
 * other's row lock; the limit is checked against the sum.
 */
export class NotificationSendCounters1763880400000 implements MigrationInterface {
  name = 'NotificationSendCounters1763880400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notification_send_counters (
        channel VARCHAR(10) NOT NULL,
        scope VARCHAR(10) NOT NULL,
        subject VARCHAR(200) NOT NULL,
        window_start DATETIME(3) NOT NULL,
        shard SMALLINT UNSIGNED NOT NULL,
        sent INT UNSIGNED NOT NULL,
        PRIMARY KEY (channel, scope, subject, window_start, shard),
        KEY idx_notification_send_counters_window (window_start)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_send_counters');
  }
}
