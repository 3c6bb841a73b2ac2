import { MigrationInterface, QueryRunner } from 'typeorm';

/** SQLite twin of ../1763880400000-notification-send-counters.ts (one write transaction at a time: every count is in shard 0). */
export class NotificationSendCounters1763880400000 implements MigrationInterface {
  name = 'NotificationSendCounters1763880400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notification_send_counters (
        channel TEXT NOT NULL,
        scope TEXT NOT NULL,
        subject TEXT NOT NULL,
        window_start TEXT NOT NULL,
        shard INTEGER NOT NULL CHECK (shard >= 0),
        sent INTEGER NOT NULL CHECK (sent >= 0),
        PRIMARY KEY (channel, scope, subject, window_start, shard)
      ) STRICT`);
    await db.query('CREATE INDEX idx_notification_send_counters_window ON notification_send_counters (window_start)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_send_counters');
  }
}
