import { MigrationInterface, QueryRunner } from 'typeorm';

/** Instance identity, the append-only change log and the SMS providers. */
export class Foundation1763880000000 implements MigrationInterface {
  name = 'Foundation1763880000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE instance (
        singleton TINYINT UNSIGNED NOT NULL DEFAULT 1,
        id VARCHAR(200) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (singleton),
        CONSTRAINT chk_instance_singleton CHECK (singleton = 1)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Append-only: the service only ever INSERTs here. The unique key makes a
    // lost update impossible to record twice with the same sequence.
    await db.query(`
      CREATE TABLE change_log (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        aggregate_type VARCHAR(40) NOT NULL,
        aggregate_id VARCHAR(200) NOT NULL,
        sequence BIGINT UNSIGNED NOT NULL,
        event_type VARCHAR(80) NOT NULL,
        resource_owner VARCHAR(200) NOT NULL,
        editor VARCHAR(200) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        payload JSON NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_change_log_aggregate_sequence (aggregate_type, aggregate_id, sequence),
        KEY idx_change_log_created (created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // active_instance_id is set only for the active provider; its unique key
    // lets the database itself refuse a second active provider.
    await db.query(`
      CREATE TABLE sms_providers (
        id VARCHAR(200) NOT NULL,
        instance_id VARCHAR(200) NOT NULL,
        kind VARCHAR(10) NOT NULL,
        state TINYINT UNSIGNED NOT NULL,
        description VARCHAR(200) NOT NULL DEFAULT '',
        twilio_sid VARCHAR(200) NULL,
        twilio_sender_number VARCHAR(200) NULL,
        twilio_verify_service_sid VARCHAR(200) NULL,
        twilio_token_ciphertext TEXT NULL,
        twilio_token_key_id VARCHAR(40) NULL,
        http_endpoint TEXT NULL,
        http_signing_key_ciphertext TEXT NULL,
        http_signing_key_key_id VARCHAR(40) NULL,
        sequence BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        changed_at DATETIME(3) NOT NULL,
        changed_by VARCHAR(200) NOT NULL,
        active_instance_id VARCHAR(200) AS (IF(state = 1, instance_id, NULL)) STORED,
        PRIMARY KEY (id),
        UNIQUE KEY uq_sms_providers_one_active (active_instance_id),
        KEY idx_sms_providers_instance_created (instance_id, created_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE sms_providers');
    await db.query('DROP TABLE change_log');
    await db.query('DROP TABLE instance');
  }
}
