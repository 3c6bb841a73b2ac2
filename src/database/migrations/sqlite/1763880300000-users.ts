import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite twin of ../1763880300000-users.ts. The sortable texts (schema type,
 * email) collate without case as MySQL's utf8mb4_unicode_ci does, so both
 * topologies sort alike; the text filters compare binary on both anyway.
 */
export class Users1763880300000 implements MigrationInterface {
  name = 'Users1763880300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_schemas (
        id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        type TEXT NOT NULL COLLATE NOCASE,
        schema_json TEXT NOT NULL,
        possible_authenticators TEXT NOT NULL,
        state INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        PRIMARY KEY (id)
      ) STRICT`);
    await db.query('CREATE INDEX idx_user_schemas_instance_created ON user_schemas (instance_id, created_at, id)');
    await db.query('CREATE INDEX idx_user_schemas_type ON user_schemas (type)');

    await db.query(`
      CREATE TABLE users (
        id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        schema_id TEXT NOT NULL,
        schema_revision INTEGER NOT NULL,
        data TEXT NOT NULL,
        email_address TEXT NULL COLLATE NOCASE,
        email_verified INTEGER NOT NULL DEFAULT 0,
        phone_number TEXT NULL,
        phone_verified INTEGER NOT NULL DEFAULT 0,
        state INTEGER NOT NULL,
        locked INTEGER NOT NULL DEFAULT 0,
        sequence INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        PRIMARY KEY (id)
      ) STRICT`);
    await db.query('CREATE INDEX idx_users_instance_created ON users (instance_id, created_at, id)');
    await db.query('CREATE INDEX idx_users_org_created ON users (organization_id, created_at, id)');
    await db.query('CREATE INDEX idx_users_email ON users (email_address)');
    await db.query('CREATE INDEX idx_users_phone ON users (phone_number)');
    await db.query('CREATE INDEX idx_users_schema ON users (schema_id)');

    await db.query(`
      CREATE TABLE verification_codes (
        user_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        generator TEXT NOT NULL DEFAULT 'local',
        code_hash TEXT NULL,
        expires_at TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, channel)
      ) STRICT`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE verification_codes');
    await db.query('DROP TABLE users');
    await db.query('DROP TABLE user_schemas');
  }
}
