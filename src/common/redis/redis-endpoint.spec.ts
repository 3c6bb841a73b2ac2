import { describeRedisEndpoint, parseRedisUrl, RedisUrlError } from './redis-endpoint';

describe('parseRedisUrl', () => {
  it('leaves a single server URL to ioredis', () => {
    expect(parseRedisUrl('redis://:pw@10.0.0.5:6380/2')).toEqual({ kind: 'server', url: 'redis://:pw@10.0.0.5:6380/2' });
    expect(parseRedisUrl('rediss://cache.example.com')).toEqual({ kind: 'server', url: 'rediss://cache.example.com' });
  });

  it('reads the sentinels, the master name, the database and the credentials', () => {
    expect(parseRedisUrl('redis-sentinel://app:p%40ss@s1.example.com:26380,s2.example.com,[::1]:26381/3?sentinelMasterId=main')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1.example.com', port: 26380 },
        { host: 's2.example.com', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'main',
      db: 3,
      username: 'app',
      password: 'p@ss',
      tls: false,
    });
  });

  it('keeps the sentinels own credentials apart and speaks TLS with rediss-sentinel', () => {
    expect(parseRedisUrl('REDISS-SENTINEL://:master-pw@s1?sentinelMasterId=m&sentinelPassword=s%26pw')).toMatchObject({
      kind: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      db: 0,
      password: 'master-pw',
      sentinelPassword: 's&pw',
      tls: true,
    });
  });

  it.each([
    ['http://x', /must start with redis:\/\//],
    ['redis://[bad', /not a valid URL/],
    ['redis-sentinel:s1?sentinelMasterId=m', /must start with redis-sentinel:\/\//],
    ['redis-sentinel://:secret@s1:26379', /needs \?sentinelMasterId=NAME/],
    ['redis-sentinel://s1:26379/x?sentinelMasterId=m', /database that is not a number/],
    ['redis-sentinel://s1:70000?sentinelMasterId=m', /port out of range/],
    ['redis-sentinel://:secret@s1,,s2?sentinelMasterId=m', /has sentinel 2 of 3 that is not host\[:port\]/],
    ['redis-sentinel://:secret@?sentinelMasterId=m', /has sentinel 1 of 1 that is not host\[:port\]/],
    // Unescaped, these end the authority before the `@`: what is left of it is the password, never to be echoed.
    ['redis-sentinel://:sec/ret@s1?sentinelMasterId=m', /has sentinel 1 of 1 that is not host\[:port\] \(a password's/],
    ['redis-sentinel://:sec?ret@s1?sentinelMasterId=m', /has sentinel 1 of 1 that is not host\[:port\]/],
    ['redis-sentinel://:sec#ret@s1?sentinelMasterId=m', /has sentinel 1 of 1 that is not host\[:port\]/],
    ['redis-sentinel://%zz:secret@s1?sentinelMasterId=m', /malformed %-escape/],
  ])('refuses %s', (url, message) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RedisUrlError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('describeRedisEndpoint', () => {
  it('names where Redis is without credentials', () => {
    expect(describeRedisEndpoint(parseRedisUrl('redis://:pw@10.0.0.5:6380/2'))).toBe('10.0.0.5:6380');
    expect(describeRedisEndpoint(parseRedisUrl('redis://'))).toBe('localhost:6379');
    expect(describeRedisEndpoint(parseRedisUrl('redis-sentinel://:pw@s1,[::1]:26381?sentinelMasterId=main'))).toBe('sentinel master "main" via s1:26379,[::1]:26381');
  });
});
