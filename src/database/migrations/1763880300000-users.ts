import { MigrationInterface, QueryRunner } from 'typeorm';

/** v3alpha user schemas, users and their pending verification codes. */
export class Users1763880300000 implements MigrationInterface {
  name = 'Users1763880300000';

  async up(db: QueryRunner): Promise<void> {
    // The schema document stays as text (not JSON): MySQL's JSON type would
    // reorder its keys, and the document is returned as it was given.
    await db.query(`
      CREATE TABLE user_schemas (
        id VARCHAR(200) NOT NULL,
        instance_id VARCHAR(200) NOT NULL,
        type VARCHAR(200) NOT NULL,
        schema_json LONGTEXT NOT NULL,
        possible_authenticators TEXT NOT NULL,
        state TINYINT UNSIGNED NOT NULL,
        revision INT UNSIGNED NOT NULL,
        sequence BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        changed_at DATETIME(3) NOT NULL,
        changed_by VARCHAR(200) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_user_schemas_instance_created (instance_id, created_at, id),
        KEY idx_user_schemas_type (type)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await db.query(`
      CREATE TABLE users (
        id VARCHAR(200) NOT NULL,
        instance_id VARCHAR(200) NOT NULL,
        organization_id VARCHAR(200) NOT NULL,
        schema_id VARCHAR(200) NOT NULL,
        schema_revision INT UNSIGNED NOT NULL,
        data LONGTEXT NOT NULL,
        email_address VARCHAR(200) NULL,
        email_verified TINYINT NOT NULL DEFAULT 0,
        phone_number VARCHAR(20) NULL,
        phone_verified TINYINT NOT NULL DEFAULT 0,
        state TINYINT UNSIGNED NOT NULL,
        locked TINYINT NOT NULL DEFAULT 0,
        sequence BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        changed_at DATETIME(3) NOT NULL,
        changed_by VARCHAR(200) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_users_instance_created (instance_id, created_at, id),
        KEY idx_users_org_created (organization_id, created_at, id),
        KEY idx_users_email (email_address),
        KEY idx_users_phone (phone_number),
        KEY idx_users_schema (schema_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await db.query(`
      CREATE TABLE verification_codes (
        user_id VARCHAR(200) NOT NULL,
        channel VARCHAR(10) NOT NULL,
        generator VARCHAR(40) NOT NULL DEFAULT 'local',
        code_hash VARCHAR(64) NULL,
        expires_at DATETIME(3) NOT NULL,
        failed_attempts INT UNSIGNED NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (user_id, channel)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE verification_codes');
    await db.query('DROP TABLE users');
    await db.query('DROP TABLE user_schemas');
  }
}
