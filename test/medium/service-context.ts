import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Principal } from '../../src/modules/auth/principal';
import { runId, testDatabaseServer, testDatabaseUrl } from '../support/environment';
import { TEST_MASTER_KEY, TestClock, Topology, defaultTopology } from '../support/test-app';

/**
 * The application's modules and configuration without any listener: services
 * are called directly, against a fresh database of this suite (MariaDB, or
 * SQLite in a temporary DATA_DIR on the embedded topology), dropped by close().
 */
export class ServiceContext {
  readonly clock = new TestClock();
  readonly database = `idt_${runId()}_${randomBytes(4).toString('hex')}`;
  context!: INestApplicationContext;
  config!: AppConfig;
  private dataDir?: string;

  private constructor(readonly topology: Topology) {}

  static async start(env: Record<string, string> = {}, topology: Topology = defaultTopology()): Promise<ServiceContext> {
    const service = new ServiceContext(topology);
    try {
      await service.boot(env);
    } catch (error) {
      await service.close().catch(() => undefined);
      throw error;
    }
    return service;
  }

  private async boot(env: Record<string, string>): Promise<void> {
    const common = { QUEUE_PREFIX: `idt-${runId()}-${this.database.slice(-8)}`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' };
    if (this.topology === 'mysql') {
      // No token is verified here (callers are built as Principals), so the issuer is never contacted.
      this.config = loadConfig({ DATABASE_URL: testDatabaseUrl(this.database), MASTER_KEY: TEST_MASTER_KEY, AUTH_ISSUER: 'http://127.0.0.1:9', ...common, ...env });
    } else {
      this.dataDir = mkdtempSync(join(tmpdir(), 'idt-medium-'));
      this.config = loadConfig({ DATA_DIR: this.dataDir, ...common, ...env });
    }
    this.context = await NestFactory.createApplicationContext(AppModule.forRoot(this.config, { clock: this.clock }), { logger: false });
    await this.context.init();
  }

  get<T>(type: Type<T>): T {
    return this.context.get(type);
  }

  /** Reads rows straight from the database, past every service (SQL both MySQL and SQLite understand). */
  query<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.get(DataSource).query(sql, params);
  }

  async close(): Promise<void> {
    await this.context?.close();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    if (this.topology === 'mysql') {
      const connection = await createConnection(testDatabaseServer());
      await connection.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
      await connection.end();
    }
  }
}

/** An instance administrator (IAM_OWNER), as a verified token would make it. */
export function instanceOwner(subject = 'admin-1'): Principal {
  return caller(subject, { IAM_OWNER: ['instance'] });
}

/** A caller with the given roles (role → organization ids), from no particular organization. */
export function caller(subject: string, roles: Record<string, string[]> = {}, organizationId?: string): Principal {
  return new Principal(subject, organizationId, new Set(), new Map(Object.entries(roles).map(([role, orgs]) => [role, new Set(orgs)])));
}
