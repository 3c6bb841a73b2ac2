import { MigrationInterface, QueryRunner } from 'typeorm';

/** SQLite twin of ../1763880100000-notification-outbox.ts. */
export class NotificationOutbox1763880100000 implements MigrationInterface {
  name = 'NotificationOutbox1763880100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notification_outbox (
        id TEXT NOT NULL,
        channel TEXT NOT NULL,
        purpose TEXT NOT NULL,
        recipient TEXT NOT NULL,
        user_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        code_ciphertext TEXT NULL,
        code_key_id TEXT NULL,
        url_template TEXT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT NULL,
        provider_message_id TEXT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        sent_at TEXT NULL,
        PRIMARY KEY (id)
      ) STRICT`);
    await db.query('CREATE INDEX idx_notification_outbox_state ON notification_outbox (state, created_at)');
    await db.query('CREATE INDEX idx_notification_outbox_recipient ON notification_outbox (channel, recipient, created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_outbox');
  }
}
