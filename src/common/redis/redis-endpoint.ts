import IORedis, { RedisOptions } from 'ioredis';

/**
 * Where Redis is, from REDIS_URL: one server (`redis://`, `rediss://`, which
 * ioredis reads itself), or the master that Redis Sentinel names, in the URI
 * form Lettuce made common:
 *
 *   redis-sentinel://[[user]:password@]host1[:port1][,host2[:port2]…][/db]?sentinelMasterId=NAME
 *
 * (`rediss-sentinel://` speaks TLS to the sentinels and the master; a
 * sentinel's port defaults to 26379). The credentials are the master's;
 * sentinels that want their own take `&sentinelPassword=…` (and
 * `&sentinelUsername=…`), as they are often left without one.
 */
export type RedisEndpoint =
  | { kind: 'server'; url: string }
  | {
      kind: 'sentinel';
      sentinels: Array<{ host: string; port: number }>;
      masterName: string;
      db: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
      tls: boolean;
    };

export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

const SENTINEL_SCHEMES = new Map([
  ['redis-sentinel:', false],
  ['rediss-sentinel:', true],
]);
const DEFAULT_SENTINEL_PORT = 26379;

/** Throws RedisUrlError with a message that never repeats the password. */
export function parseRedisUrl(value: string): RedisEndpoint {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(value)?.[0].toLowerCase();
  if (scheme === 'redis:' || scheme === 'rediss:') {
    if (!URL.canParse(value)) throw new RedisUrlError('is not a valid URL');
    return { kind: 'server', url: value };
  }
  const tls = scheme === undefined ? undefined : SENTINEL_SCHEMES.get(scheme);
  if (tls === undefined) throw new RedisUrlError('must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://');
  if (!value.slice(scheme!.length).startsWith('//')) throw new RedisUrlError(`must start with ${scheme}//`);

  const rest = value.slice(scheme!.length + 2).split('#', 1)[0];
  const [beforeQuery, query = ''] = splitOnce(rest, '?');
  const slash = beforeQuery.indexOf('/');
  const authority = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash === -1 ? '' : beforeQuery.slice(slash + 1);

  const at = authority.lastIndexOf('@');
  const hostList = at === -1 ? authority : authority.slice(at + 1);
  const credentials = at === -1 ? undefined : parseCredentials(authority.slice(0, at));

  const entries = hostList.split(',');
  const sentinels = entries.map((entry, index) => parseHostPort(entry, `sentinel ${index + 1} of ${entries.length}`));
  const db = path === '' ? 0 : Number(path);
  if (!/^\d{1,5}$/.test(path || '0') || !Number.isSafeInteger(db)) throw new RedisUrlError('has a database that is not a number (…/0)');

  const params = new URLSearchParams(query);
  const masterName = params.get('sentinelMasterId')?.trim();
  if (!masterName) throw new RedisUrlError('needs ?sentinelMasterId=NAME, the master the sentinels monitor');
  const sentinelUsername = params.get('sentinelUsername') || undefined;
  const sentinelPassword = params.get('sentinelPassword') || undefined;
  return { kind: 'sentinel', sentinels, masterName, db, ...credentials, sentinelUsername, sentinelPassword, tls };
}

/** "host:port" or "sentinel master NAME via h1:p1,h2:p2": for log lines and readiness errors, without credentials. */
export function describeRedisEndpoint(endpoint: RedisEndpoint): string {
  if (endpoint.kind === 'sentinel') {
    return `sentinel master "${endpoint.masterName}" via ${endpoint.sentinels.map(({ host, port }) => `${formatHost(host)}:${port}`).join(',')}`;
  }
  const url = new URL(endpoint.url);
  return `${url.hostname || 'localhost'}:${url.port || 6379}`;
}

/**
 * An ioredis client for the endpoint. With Sentinel, ioredis asks the
 * sentinels for the master on every (re)connection and, with the failover
 * detector, drops its connection as soon as they announce a new one, so
 * BullMQ's workers and producers follow a failover by reconnecting.
 */
export function createRedisClient(endpoint: RedisEndpoint, options: RedisOptions): IORedis {
  if (endpoint.kind === 'server') return new IORedis(endpoint.url, options);
  return new IORedis({
    ...options,
    sentinels: endpoint.sentinels,
    name: endpoint.masterName,
    db: endpoint.db,
    username: endpoint.username,
    password: endpoint.password,
    sentinelUsername: endpoint.sentinelUsername,
    sentinelPassword: endpoint.sentinelPassword,
    failoverDetector: true,
    // Sentinels are asked in turn; keep trying them as the data connection keeps reconnecting.
    sentinelRetryStrategy: options.retryStrategy ?? (() => 1000),
    ...(endpoint.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
  });
}

function parseCredentials(userInfo: string): { username?: string; password?: string } {
  const [user, password] = splitOnce(userInfo, ':');
  try {
    return {
      ...(user ? { username: decodeURIComponent(user) } : {}),
      ...(password !== undefined && password !== '' ? { password: decodeURIComponent(password) } : {}),
    };
  } catch {
    throw new RedisUrlError('has credentials with a malformed %-escape');
  }
}

/**
 * `which` names the entry by position, never by its text: with an unescaped
 * / ? or # in the password the URL splits before the `@`, and the "host"
 * would be part of the password.
 */
function parseHostPort(entry: string, which: string): { host: string; port: number } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/\s]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match) throw new RedisUrlError(`has ${which} that is not host[:port] (a password's / ? # @ , must be %-escaped)`);
  const port = match[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(match[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`names a sentinel port out of range: ${port}`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, undefined] : [value.slice(0, index), value.slice(index + 1)];
}
