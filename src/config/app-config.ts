/**
 * The service's whole configuration, read once from the environment (README,
 * "Configuration"). Nothing else in the code base reads process.env.
 */
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import phoneMetadata from 'libphonenumber-js/metadata.min.json';
import { parseRedisUrl, RedisUrlError } from '../common/redis/redis-endpoint';

export interface MysqlDatabaseConfig {
  kind: 'mysql';
  /** mysql://USER:PASS@HOST:PORT/DB as given. */
  url: string;
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

/** The embedded database: one SQLite file under DATA_DIR (no DATABASE_URL). */
export interface SqliteDatabaseConfig {
  kind: 'sqlite';
  /** e.g. ./data/identity.sqlite */
  path: string;
}

export type DatabaseConfig = MysqlDatabaseConfig | SqliteDatabaseConfig;

export interface AuthConfig {
  /**
   * OpenID issuer whose access tokens are accepted; `iss` must equal it.
   * Absent: the service is its own development issuer (src/modules/auth/dev-issuer).
   */
  issuer?: string;
  /** When set, `aud` must contain it. */
  audience?: string;
}

export interface SmtpConfig {
  url: string;
  from: string;
}

/** Delivery of verification codes (src/modules/notifications). */
export interface NotificationConfig {
  /** NOTIFICATION_WORKERS: false makes an API-only process (the outbox relay still runs). */
  workers: boolean;
  /** NOTIFICATION_CONCURRENCY: jobs one process works on at the same time. */
  concurrency: number;
  /**
   * NOTIFICATION_SEND_CONCURRENCY: provider requests one process has open at
   * the same time (SendGate). 1 bounds what a killed worker re-sends to one
   * message; more sends faster against a slow provider, and a kill may then
   * re-send up to this many.
   */
  sendConcurrency: number;
  /**
   * NOTIFICATION_TWILIO_SEND_CONCURRENCY: requests to Twilio's Messages API
   * one process has open at the same time. Twilio can be asked afterwards
   * what it accepted, and a killed worker's open messages are looked up
   * before they are sent again, so this adds no re-sends.
   */
  twilioSendConcurrency: number;
  /** NOTIFICATION_RETRY_BASE_MS: first retry delay; doubles per attempt, with jitter. */
  retryBaseMs: number;
  /** NOTIFICATION_RELAY_INTERVAL_MS: how often the outbox relay polls. */
  relayIntervalMs: number;
  /** NOTIFICATION_LOCK_MS: BullMQ job lock; a crashed worker's jobs are taken over within 1.5 times this long. */
  lockMs: number;
  /** NOTIFICATION_SEND_TIMEOUT_MS: one call to Twilio, the HTTP provider or SMTP. */
  sendTimeoutMs: number;
  /** Anti-pumping limits per channel (src/modules/notifications/limits). */
  limits: Record<'sms' | 'email', SendLimit>;
  /** SMS_ALLOWED_COUNTRY_CODES / SMS_DENIED_COUNTRY_CODES: which destination calling codes may get an SMS. */
  smsCountries: CountryRule;
}

export interface SendLimit {
  /** At most this many codes per recipient in any 10 minutes. */
  codesPer10Minutes: number;
  /** At least this long between two codes to one recipient. */
  resendCooldownSeconds: number;
  /** At most this many codes for one user (the one the code is for) per clock hour. */
  perUserPerHour: number;
  /** At most this many codes asked for by one caller (the token's `sub`) per clock hour. */
  perCallerPerHour: number;
  /** At most this many codes for the whole deployment (all processes) per clock hour. */
  perInstancePerHour: number;
}

/**
 * SMS_HTTP_ALLOWED_HOSTS: destinations on the operator's own network that the
 * HTTP SMS provider may reach although they are not public addresses.
 */
export interface AllowedDestinations {
  /** Lower-case host names without a trailing dot; trusted whatever they resolve to. */
  hostNames: string[];
  /** CIDR ranges in normal form (`10.0.0.0/8`; a single address as `/32` or `/128`). */
  ranges: string[];
}
/** Destination country calling codes (`41`, `1`, …) as digits without `+`. */
export type CountryRule = { kind: 'any' } | { kind: 'allow'; codes: ReadonlySet<string> } | { kind: 'deny'; codes: ReadonlySet<string> };

export interface AppConfig {
  host: string;
  httpPort: number;
  grpcPort: number;
  database: DatabaseConfig;
  /** Where the embedded defaults keep their files (SQLite, generated master key, dev issuer key). */
  dataDir: string;
  /** Absent: the notification queue runs in-process. */
  redisUrl?: string;
  queuePrefix: string;
  /**
   * 32 characters; encrypts stored secrets with AES-256-GCM. Absent (only
   * allowed without DATABASE_URL): a key generated once into DATA_DIR.
   */
  masterKey?: string;
  auth: AuthConfig;
  twilioBaseUrl?: string;
  /** Non-public destinations the HTTP SMS provider may be pointed at; empty: public addresses only. */
  smsHttpAllowedHosts: AllowedDestinations;
  smtp?: SmtpConfig;
  /** Browser origins allowed to call gRPC-web across origins (CORS); `*` allows any. Empty: none. */
  corsOrigins: string[];
  notifications: NotificationConfig;
  /**
   * SHUTDOWN_GRACE_SECONDS: after SIGTERM the instance reports not ready and
   * keeps serving this long, so that load balancers and Kubernetes endpoints
   * stop sending it requests before its listeners close.
   */
  shutdownGraceSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Raised for a missing or malformed variable; main() prints it as one line and exits. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_DATA_DIR = './data';

/** Only the database part, for tools that need nothing else (the migration CLI). */
export function loadDatabaseConfig(env: Env): DatabaseConfig {
  const value = env.DATABASE_URL?.trim();
  return value ? parseDatabaseUrl(value) : sqliteDatabase(readDataDir(env));
}

function readDataDir(env: Env): string {
  const value = env.DATA_DIR?.trim();
  if (value === undefined || value === '') return DEFAULT_DATA_DIR;
  if (value.includes('\0')) throw new ConfigError('DATA_DIR', 'must be a directory path');
  return value.replace(/(.)\/+$/, '$1');
}

function sqliteDatabase(dataDir: string): SqliteDatabaseConfig {
  return { kind: 'sqlite', path: `${dataDir}/identity.sqlite` };
}

export function loadConfig(env: Env): AppConfig {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  // Each of DATABASE_URL, REDIS_URL, MASTER_KEY and AUTH_ISSUER that is
  // missing falls back to its embedded default on its own (README,
  // "Embedded defaults"), except that a real database never gets a generated key.
  const dataDir = readDataDir(env);
  const databaseUrl = read('DATABASE_URL');
  const masterKey = env.MASTER_KEY === '' ? undefined : env.MASTER_KEY;
  if (masterKey === undefined && databaseUrl) {
    throw new ConfigError('MASTER_KEY', 'is required when DATABASE_URL is set (exactly 32 characters; it encrypts stored secrets)');
  }
  if (masterKey !== undefined && ([...masterKey].length !== 32 || Buffer.byteLength(masterKey, 'utf8') !== 32)) {
    throw new ConfigError('MASTER_KEY', `must be exactly 32 single-byte characters, got ${[...masterKey].length}`);
  }
  const issuer = read('AUTH_ISSUER');
  if (issuer) parseHttpUrl('AUTH_ISSUER', issuer);

  const twilioBaseUrl = read('TWILIO_BASE_URL');
  if (twilioBaseUrl) {
    const url = parseHttpUrl('TWILIO_BASE_URL', twilioBaseUrl);
    if (url.pathname !== '/' || url.search) {
      throw new ConfigError('TWILIO_BASE_URL', 'must be an origin only, e.g. http://127.0.0.1:4010');
    }
  }

  const redisUrl = read('REDIS_URL');
  if (redisUrl) {
    try {
      parseRedisUrl(redisUrl);
    } catch (error) {
      if (error instanceof RedisUrlError) throw new ConfigError('REDIS_URL', error.message);
      throw error;
    }
  }

  const smtpUrl = read('SMTP_URL');
  let smtp: SmtpConfig | undefined;
  if (smtpUrl) {
    const url = parseUrl('SMTP_URL', smtpUrl);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
    }
    smtp = { url: smtpUrl, from: read('SMTP_FROM') ?? 'no-reply@localhost' };
  }

  const queuePrefix = read('QUEUE_PREFIX') ?? 'identity';
  if (!/^[A-Za-z0-9_.:{}-]{1,100}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', 'may contain only letters, digits and _ . : - { } (1 to 100 characters)');
  }

  const corsOrigins = parseCorsOrigins(read('CORS_ORIGINS'));
  const smsHttpAllowedHosts = parseAllowedDestinations('SMS_HTTP_ALLOWED_HOSTS', read('SMS_HTTP_ALLOWED_HOSTS'));

  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  return {
    host: read('HOST') ?? '0.0.0.0',
    httpPort: parsePort('HTTP_PORT', read('HTTP_PORT'), 8080),
    grpcPort: parsePort('GRPC_PORT', read('GRPC_PORT'), 8081),
    database: databaseUrl ? parseDatabaseUrl(databaseUrl) : sqliteDatabase(dataDir),
    dataDir,
    redisUrl,
    queuePrefix,
    masterKey,
    auth: { issuer: issuer?.replace(/\/+$/, ''), audience: read('AUTH_AUDIENCE') },
    twilioBaseUrl: twilioBaseUrl?.replace(/\/+$/, ''),
    smsHttpAllowedHosts,
    smtp,
    corsOrigins,
    notifications: loadNotificationConfig(read),
    shutdownGraceSeconds: parseInteger('SHUTDOWN_GRACE_SECONDS', read('SHUTDOWN_GRACE_SECONDS'), 5, 0, 120),
    logLevel: logLevel as AppConfig['logLevel'],
  };
}

function loadNotificationConfig(read: (name: string) => string | undefined): NotificationConfig {
  const workers = (read('NOTIFICATION_WORKERS') ?? 'true').toLowerCase();
  if (workers !== 'true' && workers !== 'false') {
    throw new ConfigError('NOTIFICATION_WORKERS', `must be true or false, got "${workers}"`);
  }
  const int = (name: string, fallback: number, min: number, max: number): number =>
    parseInteger(name, read(name), fallback, min, max);
  return {
    workers: workers === 'true',
    concurrency: int('NOTIFICATION_CONCURRENCY', 50, 1, 1000),
    sendConcurrency: int('NOTIFICATION_SEND_CONCURRENCY', 1, 1, 1000),
    twilioSendConcurrency: int('NOTIFICATION_TWILIO_SEND_CONCURRENCY', 16, 1, 1000),
    retryBaseMs: int('NOTIFICATION_RETRY_BASE_MS', 1000, 1, 600_000),
    relayIntervalMs: int('NOTIFICATION_RELAY_INTERVAL_MS', 200, 10, 60_000),
    lockMs: int('NOTIFICATION_LOCK_MS', 10_000, 1000, 600_000),
    sendTimeoutMs: int('NOTIFICATION_SEND_TIMEOUT_MS', 10_000, 100, 120_000),
    limits: {
      sms: {
        codesPer10Minutes: int('SMS_CODES_PER_10_MIN', 3, 1, 1000),
        resendCooldownSeconds: int('SMS_RESEND_COOLDOWN_SECONDS', 60, 0, 600),
        perUserPerHour: int('SMS_CODES_PER_USER_PER_HOUR', 10, 1, MAX_HOURLY_CODES),
        perCallerPerHour: int('SMS_CODES_PER_CALLER_PER_HOUR', 1000, 1, MAX_HOURLY_CODES),
        perInstancePerHour: int('SMS_CODES_PER_INSTANCE_PER_HOUR', 5000, 1, MAX_HOURLY_CODES),
      },
      email: {
        codesPer10Minutes: int('EMAIL_CODES_PER_10_MIN', 3, 1, 1000),
        resendCooldownSeconds: int('EMAIL_RESEND_COOLDOWN_SECONDS', 60, 0, 600),
        perUserPerHour: int('EMAIL_CODES_PER_USER_PER_HOUR', 10, 1, MAX_HOURLY_CODES),
        perCallerPerHour: int('EMAIL_CODES_PER_CALLER_PER_HOUR', 10_000, 1, MAX_HOURLY_CODES),
        perInstancePerHour: int('EMAIL_CODES_PER_INSTANCE_PER_HOUR', 50_000, 1, MAX_HOURLY_CODES),
      },
    },
    smsCountries: parseCountryRule(read('SMS_ALLOWED_COUNTRY_CODES'), read('SMS_DENIED_COUNTRY_CODES')),
  };
}

const MAX_HOURLY_CODES = 100_000_000;

/** `1,44,49` (a leading `+` is allowed): the allow-list or the deny-list of destination calling codes, not both. */
function parseCountryRule(allowed: string | undefined, denied: string | undefined): CountryRule {
  if (allowed !== undefined && denied !== undefined) {
    throw new ConfigError('SMS_DENIED_COUNTRY_CODES', 'cannot be set together with SMS_ALLOWED_COUNTRY_CODES (an allow-list already refuses every other code)');
  }
  const list = (variable: string, value: string): Set<string> => {
    const codes = value.split(',').map((code) => code.trim().replace(/^\+/, ''));
    // Countries' codes and the non-geographic ones (satellite, international networks: 881, 882, …).
    const known = new Set([...Object.keys(phoneMetadata.country_calling_codes), ...Object.keys(phoneMetadata.nonGeographic)]);
    for (const code of codes) {
      if (!/^\d{1,3}$/.test(code) || !known.has(code)) {
        throw new ConfigError(variable, `"${code}" is not a country calling code; give a comma-separated list such as 1,44,49`);
      }
    }
    return new Set(codes);
  };
  if (allowed !== undefined) return { kind: 'allow', codes: list('SMS_ALLOWED_COUNTRY_CODES', allowed) };
  if (denied !== undefined) return { kind: 'deny', codes: list('SMS_DENIED_COUNTRY_CODES', denied) };
  return { kind: 'any' };
}

function parseInteger(variable: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(variable, `must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function parseUrl(variable: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(variable, `is not a valid URL: "${redactUrl(value)}"`);
  }
}

function parseHttpUrl(variable: string, value: string): URL {
  const url = parseUrl(variable, value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, 'must be an http:// or https:// URL');
  }
  return url;
}

function parsePort(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  // 0 lets the OS choose a free port (tests and benchmarks rely on it).
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(variable, `must be a port number between 0 and 65535, got "${value}"`);
  }
  return Number(value);
}

/** Comma-separated origins (`https://app.example.com`), or `*` for any. */
function parseCorsOrigins(value: string | undefined): string[] {
  if (value === undefined) return [];
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.replace(/\/+$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin such as https://app.example.com (scheme, host and optional port only)`);
    }
  }
  return origins.map((origin) => origin.replace(/\/+$/, ''));
}

/**
 * A comma-separated list of host names (`sms-gw.corp.example`), IP addresses
 * (`127.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). IPv4 only
 * in dotted decimal: `0x7f.1` and `2130706433` are refused rather than guessed.
 */
function parseAllowedDestinations(variable: string, value: string | undefined): AllowedDestinations {
  const allowed: AllowedDestinations = { hostNames: [], ranges: [] };
  for (const entry of (value ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (entry.includes('/')) {
      allowed.ranges.push(parseCidr(variable, entry));
    } else if (isIP(bare) !== 0) {
      const address = ipaddr.process(bare);
      allowed.ranges.push(`${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`);
    } else {
      allowed.hostNames.push(parseHostName(variable, entry));
    }
  }
  return allowed;
}

function parseCidr(variable: string, entry: string): string {
  const [address, prefix] = entry.split('/');
  const valid = isIP(address) !== 0 && /^\d{1,3}$/.test(prefix ?? '') && ipaddr.isValidCIDR(entry);
  if (!valid) throw new ConfigError(variable, `"${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`);
  const [network, length] = ipaddr.parseCIDR(entry);
  const base = network.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(entry) : ipaddr.IPv6.networkAddressFromCIDR(entry);
  return `${base.toString()}/${length}`;
}

function parseHostName(variable: string, entry: string): string {
  const name = entry.toLowerCase().replace(/\.+$/, '');
  const label = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
  if (name.length > 253 || !new RegExp(`^${label}(?:\\.${label})*$`).test(name)) {
    throw new ConfigError(variable, `"${entry}" is neither a host name (ASCII, e.g. sms-gw.corp.example), an IP address nor a CIDR range`);
  }
  // A URL parser reads an all-numeric name as an IPv4 address (2130706433 is 127.0.0.1): ask for the plain form.
  if (isIP(new URL(`http://${name}/`).hostname) !== 0) {
    throw new ConfigError(variable, `"${entry}" reads as an IPv4 address: write it in dotted decimal, e.g. 127.0.0.1`);
  }
  return name;
}

function parseDatabaseUrl(value: string): MysqlDatabaseConfig {
  const url = parseUrl('DATABASE_URL', value);
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ConfigError('DATABASE_URL', 'must be mysql://USER:PASS@HOST:PORT/DB');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
    throw new ConfigError('DATABASE_URL', 'must name a database (letters, digits, _ $ -), e.g. mysql://root@127.0.0.1:3306/identity');
  }
  if (!url.username) {
    throw new ConfigError('DATABASE_URL', 'must name a user, e.g. mysql://root@127.0.0.1:3306/identity');
  }
  return {
    kind: 'mysql',
    url: value,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

/** Hides the password of a URL so that it can go into an error line. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
