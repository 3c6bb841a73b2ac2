import { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox of notifications (verification codes to send). */
export class NotificationOutbox1763880100000 implements MigrationInterface {
  name = 'NotificationOutbox1763880100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notification_outbox (
        id VARCHAR(40) NOT NULL,
        channel VARCHAR(10) NOT NULL,
        purpose VARCHAR(30) NOT NULL,
        recipient VARCHAR(200) NOT NULL,
        user_id VARCHAR(200) NOT NULL,
        organization_id VARCHAR(200) NOT NULL,
        code_ciphertext TEXT NULL,
        code_key_id VARCHAR(40) NULL,
        url_template VARCHAR(800) NULL,
        state VARCHAR(10) NOT NULL,
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        last_error TEXT NULL,
        provider_message_id VARCHAR(200) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        sent_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY idx_notification_outbox_state (state, created_at),
        KEY idx_notification_outbox_recipient (channel, recipient, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_outbox');
  }
}
