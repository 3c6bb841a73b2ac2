import { INestApplication } from '@nestjs/common';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { DateUtils } from 'typeorm/util/DateUtils';
import { Pool, RowDataPacket, createPool } from 'mysql2/promise';
import { createApp } from '../../src/bootstrap';
import { grpcPortOf } from '../../src/grpc/attach-grpc';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Clock } from '../../src/common/time/clock';
import { DevIssuer } from '../../src/modules/auth/dev-issuer/dev-issuer';
import { HostResolver } from '../../src/common/net/host-resolver';
import { DevIssuerTokens } from './dev-issuer-tokens';
import { runId, testDatabaseUrl, testDatabaseServer } from './environment';
import { TestIssuer, TokensForTests } from './test-issuer';
import { bareEnv } from './built-server';
import { freePort } from './free-port';

export const TEST_MASTER_KEY = 'e2e-master-key-0123456789abcdef!';

/** The production topology on loopback ports: a database, Redis and issuer the suite runs, plus its own settings. */
export async function productionEnv(parts: { databaseUrl: string; redisUrl: string; issuerUrl: string; grpcPort: number }, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  return bareEnv({
    HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    GRPC_PORT: String(parts.grpcPort),
    DATABASE_URL: parts.databaseUrl,
    REDIS_URL: parts.redisUrl,
    MASTER_KEY: TEST_MASTER_KEY,
    AUTH_ISSUER: parts.issuerUrl,
    ...extra,
  });
}

/**
 * mysql: MariaDB, a local OpenID issuer, MASTER_KEY (the production topology).
 * embedded: no DATABASE_URL, MASTER_KEY or AUTH_ISSUER: SQLite, a generated
 * key and the development issuer, all in a temporary DATA_DIR.
 */
export type Topology = 'mysql' | 'embedded';

/** The topology of this suite: jest.config.js's e2e-embedded project sets the global. */
export function defaultTopology(): Topology {
  const chosen = (globalThis as { TEST_TOPOLOGY?: string }).TEST_TOPOLOGY ?? process.env.TEST_TOPOLOGY;
  return chosen === 'embedded' ? 'embedded' : 'mysql';
}

export interface StartOptions {
  topology?: Topology;
  /** Where the app's JSON log lines go (tests that read the log). */
  logStream?: DestinationStream;
  /** What host names of guarded outgoing connections resolve to (the HTTP SMS provider's); default: the system's resolver. */
  hostResolver?: HostResolver;
  /**
   * Another process of the same deployment (mysql only): this app uses that
   * one's database, issuer and QUEUE_PREFIX, and closing it leaves them to that one.
   */
  sameDeploymentAs?: TestApp;
}

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
 * with an issuer for tokens. One per e2e suite.
 */
export class TestApp {
  app!: INestApplication;
  issuer!: TokensForTests;
  url = '';
  /** host:port of the native gRPC listener. */
  grpcUrl = '';
  config!: AppConfig;
  readonly clock = new TestClock();
  database = `idt_${runId()}_${randomBytes(4).toString('hex')}`;
  /** Set when this app joined another one's deployment: the database and issuer are that one's to drop and stop. */
  private joined = false;
  private pool?: Pool;
  private sqlite?: Database.Database;
  private dataDir?: string;

  private constructor(readonly topology: Topology) {}

  static async start(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
    const testApp = new TestApp(options.topology ?? defaultTopology());
    try {
      await testApp.boot(env, options);
    } catch (error) {
      await testApp.close().catch(() => undefined);
      throw error;
    }
    return testApp;
  }

  private async boot(env: Record<string, string>, options: StartOptions): Promise<void> {
    const common = {
      HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      QUEUE_PREFIX: `idt-${runId()}-${this.database.slice(-8)}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    };
    let testIssuer: TestIssuer | undefined;
    const peer = options.sameDeploymentAs;
    if (peer) {
      if (this.topology !== 'mysql' || peer.topology !== 'mysql') throw new Error('sameDeploymentAs needs the mysql topology');
      this.joined = true;
      this.database = peer.database;
      common.QUEUE_PREFIX = peer.config.queuePrefix;
    }
    if (this.topology === 'mysql') {
      testIssuer = peer ? peer.testIssuer : await new TestIssuer().start();
      this.issuer = testIssuer;
      this.config = loadConfig({ DATABASE_URL: testDatabaseUrl(this.database), MASTER_KEY: TEST_MASTER_KEY, AUTH_ISSUER: testIssuer.url, ...common, ...env });
    } else {
      this.dataDir = mkdtempSync(join(tmpdir(), 'idt-embedded-'));
      this.config = loadConfig({ DATA_DIR: this.dataDir, ...common, ...env });
    }
    this.app = await createApp(this.config, { clock: this.clock, logStream: options.logStream, hostResolver: options.hostResolver });
    await this.app.startAllMicroservices();
    await this.app.listen(0, '127.0.0.1');
    this.url = `http://127.0.0.1:${(this.app.getHttpServer().address() as AddressInfo).port}`;
    this.grpcUrl = `127.0.0.1:${grpcPortOf(this.app)}`;
    if (this.config.database.kind === 'mysql') {
      this.pool = createPool({ ...testDatabaseServer(), database: this.database, connectionLimit: 4, timezone: 'Z' });
    } else {
      this.sqlite = new Database(this.config.database.path, { readonly: true });
    }
    if (!testIssuer) this.issuer = new DevIssuerTokens(this.app.get(DevIssuer));
  }

  /** The TestIssuer of the mysql topology (its JWKS counter, RS256 keys). */
  get testIssuer(): TestIssuer {
    if (!(this.issuer instanceof TestIssuer)) throw new Error('this suite runs on the embedded topology: no TestIssuer');
    return this.issuer;
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

  /** Reads the database directly (SQL both MySQL and SQLite understand). */
  async query<T extends RowDataPacket = RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.sqlite) return this.sqlite.prepare(sql).all(...params) as T[];
    const [rows] = await this.pool!.query<T[]>(sql, params);
    return rows;
  }

  /**
   * Writes to the database directly (rows the application did not write, e.g.
   * left behind by a process that died). On SQLite through a connection of its
   * own, which waits for the application's write transaction like any writer;
   * Dates are bound in TypeORM's UTC text form there.
   */
  async execute(sql: string, params: unknown[] = []): Promise<void> {
    if (this.sqlite) {
      const writer = new Database(this.config.database.kind === 'sqlite' ? this.config.database.path : '', { timeout: 10_000 });
      try {
        writer.prepare(sql).run(...params.map((p) => (p instanceof Date ? DateUtils.mixedDateToUtcDatetimeString(p) : p)));
      } finally {
        writer.close();
      }
      return;
    }
    await this.pool!.query(sql, params);
  }

  private appClosed?: Promise<void>;

  /** Shuts the application down (as SIGTERM does) but keeps the database for inspection; idempotent. */
  closeApp(): Promise<void> {
    this.appClosed ??= this.app ? this.app.close() : Promise.resolve();
    return this.appClosed;
  }

  async close(): Promise<void> {
    await this.closeApp();
    this.sqlite?.close();
    await this.pool?.end();
    if (this.joined) return;
    if (this.issuer instanceof TestIssuer) await this.issuer.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    if (this.topology === 'mysql') {
      const pool = createPool({ ...testDatabaseServer(), connectionLimit: 1 });
      await pool.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
      await pool.end();
    }
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
