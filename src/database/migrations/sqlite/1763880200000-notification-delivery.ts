import { MigrationInterface, QueryRunner } from 'typeorm';

/** SQLite twin of ../1763880200000-notification-delivery.ts. */
export class NotificationDelivery1763880200000 implements MigrationInterface {
  name = 'NotificationDelivery1763880200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE notification_outbox ADD COLUMN provider_id TEXT NULL');
    await db.query('CREATE INDEX idx_notification_outbox_state_updated ON notification_outbox (state, updated_at)');
    // SQLite runs one write transaction at a time, so nothing locks these rows;
    // the table exists so that the send-limit code is the same on both dialects.
    await db.query(`
      CREATE TABLE notification_send_windows (
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        PRIMARY KEY (channel, recipient)
      ) STRICT`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_send_windows');
    await db.query('DROP INDEX idx_notification_outbox_state_updated');
    await db.query('ALTER TABLE notification_outbox DROP COLUMN provider_id');
  }
}
