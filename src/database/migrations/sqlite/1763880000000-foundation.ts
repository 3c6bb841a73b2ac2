import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite twin of ../1763880000000-foundation.ts (same name, same tables and
 * columns). STRICT tables keep the column types honest; dates are TEXT in
 * TypeORM's UTC format 'YYYY-MM-DD HH:MM:SS.SSS', which sorts chronologically.
 */
export class Foundation1763880000000 implements MigrationInterface {
  name = 'Foundation1763880000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE instance (
        singleton INTEGER NOT NULL DEFAULT 1 CHECK (singleton = 1),
        id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (singleton)
      ) STRICT`);

    await db.query(`
      CREATE TABLE change_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        aggregate_type TEXT NOT NULL,
        aggregate_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        resource_owner TEXT NOT NULL,
        editor TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NULL,
        CONSTRAINT uq_change_log_aggregate_sequence UNIQUE (aggregate_type, aggregate_id, sequence)
      ) STRICT`);
    await db.query('CREATE INDEX idx_change_log_created ON change_log (created_at)');

    await db.query(`
      CREATE TABLE sms_providers (
        id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        state INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        twilio_sid TEXT NULL,
        twilio_sender_number TEXT NULL,
        twilio_verify_service_sid TEXT NULL,
        twilio_token_ciphertext TEXT NULL,
        twilio_token_key_id TEXT NULL,
        http_endpoint TEXT NULL,
        http_signing_key_ciphertext TEXT NULL,
        http_signing_key_key_id TEXT NULL,
        sequence INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        PRIMARY KEY (id)
      ) STRICT`);
    // MySQL needs a generated column for "at most one active provider per
    // instance"; SQLite has partial indexes.
    await db.query('CREATE UNIQUE INDEX uq_sms_providers_one_active ON sms_providers (instance_id) WHERE state = 1');
    await db.query('CREATE INDEX idx_sms_providers_instance_created ON sms_providers (instance_id, created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE sms_providers');
    await db.query('DROP TABLE change_log');
    await db.query('DROP TABLE instance');
  }
}
