import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery bookkeeping for the outbox: which provider sent a message, an index
 * for the relay's sweep of long-queued rows, and one row per recipient that
 * send-limit checks lock, so that two concurrent requests for the same number
 * cannot both squeeze under the limit.
 */
export class NotificationDelivery1763880200000 implements MigrationInterface {
  name = 'NotificationDelivery1763880200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE notification_outbox
        ADD COLUMN provider_id VARCHAR(200) NULL AFTER provider_message_id,
        ADD KEY idx_notification_outbox_state_updated (state, updated_at)`);
    await db.query(`
      CREATE TABLE notification_send_windows (
        channel VARCHAR(10) NOT NULL,
        recipient VARCHAR(200) NOT NULL,
        PRIMARY KEY (channel, recipient)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_send_windows');
    await db.query(`
      ALTER TABLE notification_outbox
        DROP KEY idx_notification_outbox_state_updated,
        DROP COLUMN provider_id`);
  }
}
