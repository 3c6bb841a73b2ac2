import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Pool, RowDataPacket, createPool } from 'mysql2/promise';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Clock } from '../../src/common/time/clock';
import { runId, testDatabaseUrl, testDatabaseServer } from './environment';
import { TestIssuer } from './test-issuer';

export const TEST_MASTER_KEY = 'e2e-master-key-0123456789abcdef!';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON and wrong content types). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A settable clock for tests of expiry. */
export class TestClock extends Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/**
 * The real application on a fresh database of its own (dropped by close()),
 * with a local issuer for tokens. One per e2e suite.
 */
export class TestApp {
  app!: INestApplication;
  issuer!: TestIssuer;
  db!: Pool;
  url = '';
  config!: AppConfig;
  readonly clock = new TestClock();
  readonly database = `idt_${runId()}_${randomBytes(4).toString('hex')}`;

  static async start(env: Record<string, string> = {}): Promise<TestApp> {
    const testApp = new TestApp();
    await testApp.boot(env);
    return testApp;
  }

  private async boot(env: Record<string, string>): Promise<void> {
    this.issuer = await new TestIssuer().start();
    this.config = loadConfig({
      DATABASE_URL: testDatabaseUrl(this.database),
      MASTER_KEY: TEST_MASTER_KEY,
      AUTH_ISSUER: this.issuer.url,
      HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      QUEUE_PREFIX: `idt-${runId()}-${this.database.slice(-8)}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    });
    this.app = await createApp(this.config, { clock: this.clock });
    await this.app.listen(0, '127.0.0.1');
    this.url = `http://127.0.0.1:${(this.app.getHttpServer().address() as AddressInfo).port}`;
    this.db = createPool({ ...testDatabaseServer(), database: this.database, connectionLimit: 4, timezone: 'Z' });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  async query<T extends RowDataPacket = RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.db.query<T[]>(sql, params);
    return rows;
  }

  private appClosed?: Promise<void>;

  /** Shuts the application down (as SIGTERM does) but keeps the database for inspection; idempotent. */
  closeApp(): Promise<void> {
    this.appClosed ??= this.app ? this.app.close() : Promise.resolve();
    return this.appClosed;
  }

  async close(): Promise<void> {
    await this.closeApp();
    await this.db?.end();
    await this.issuer?.stop();
    const pool = createPool({ ...testDatabaseServer(), connectionLimit: 1 });
    await pool.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
    await pool.end();
  }
}

/** Asserts ZITADEL's error shape and returns the error id. */
export function expectZitadelError(response: ApiResponse, status: number, code: number, id?: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(typeof response.body.message).toBe('string');
  expect(response.body.details).toEqual([
    { '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: id ?? expect.any(String), message: expect.any(String) },
  ]);
  expect(response.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // never a stack trace
}
