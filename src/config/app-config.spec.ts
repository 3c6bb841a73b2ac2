import { ConfigError, loadConfig } from './app-config';

const base = {
  DATABASE_URL: 'mysql://root:pw@127.0.0.1:3306/identity',
  MASTER_KEY: '0123456789abcdef0123456789abcdef',
  AUTH_ISSUER: 'https://issuer.example.com/',
};

const errorOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('reads the contract variables with their defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 8080,
      grpcPort: 8081,
      queuePrefix: 'identity',
      logLevel: 'info',
      auth: { issuer: 'https://issuer.example.com' },
      database: { kind: 'mysql', host: '127.0.0.1', port: 3306, username: 'root', password: 'pw', database: 'identity' },
    });
  });

  it('falls back to the embedded defaults with no configuration at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      httpPort: 8080,
      dataDir: './data',
      database: { kind: 'sqlite', path: './data/identity.sqlite' },
      auth: { issuer: undefined },
    });
    expect(config.masterKey).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(loadConfig({ DATA_DIR: '/var/lib/identity/' }).database).toEqual({ kind: 'sqlite', path: '/var/lib/identity/identity.sqlite' });
  });

  it('lets each production variable switch on its own', () => {
    expect(loadConfig({ AUTH_ISSUER: 'https://idp.example.com' })).toMatchObject({ database: { kind: 'sqlite' }, auth: { issuer: 'https://idp.example.com' } });
    expect(loadConfig({ MASTER_KEY: base.MASTER_KEY }).masterKey).toBe(base.MASTER_KEY);
    expect(loadConfig({ DATABASE_URL: base.DATABASE_URL, MASTER_KEY: base.MASTER_KEY }).auth.issuer).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ REDIS_URL: 'redis-sentinel://s1,s2:26380?sentinelMasterId=main' }).redisUrl).toBe('redis-sentinel://s1,s2:26380?sentinelMasterId=main');
  });

  it('still refuses a real database without MASTER_KEY', () => {
    expect(errorOf({ DATABASE_URL: base.DATABASE_URL })).toMatch(/^MASTER_KEY: is required when DATABASE_URL is set/);
    expect(errorOf({ MASTER_KEY: 'short' })).toMatch(/^MASTER_KEY: must be exactly 32/);
  });

  it('names the variable and the problem in one line', () => {
    expect(errorOf({ ...base, MASTER_KEY: 'short' })).toMatch(/^MASTER_KEY: must be exactly 32/);
    expect(errorOf({ ...base, MASTER_KEY: '' })).toMatch(/^MASTER_KEY: is required/);
    expect(errorOf({ ...base, DATABASE_URL: 'postgres://x/y' })).toMatch(/^DATABASE_URL: must be mysql:/);
    expect(errorOf({ ...base, DATABASE_URL: 'mysql://root@host:3306/' })).toMatch(/^DATABASE_URL: must name a database/);
    expect(errorOf({ ...base, AUTH_ISSUER: 'not a url' })).toMatch(/^AUTH_ISSUER: is not a valid URL/);
    expect(errorOf({ ...base, HTTP_PORT: '99999' })).toMatch(/^HTTP_PORT: must be a port/);
    expect(errorOf({ ...base, REDIS_URL: 'http://x' })).toMatch(/^REDIS_URL: must start with redis:\/\//);
    expect(errorOf({ ...base, REDIS_URL: 'redis-sentinel://:hunter2@s1:26379' })).toMatch(/^REDIS_URL: needs \?sentinelMasterId=NAME/);
    expect(errorOf({ ...base, REDIS_URL: 'redis-sentinel://:hunter2@s1:26379' })).not.toContain('hunter2');
    expect(errorOf({ ...base, TWILIO_BASE_URL: 'http://127.0.0.1:4010/path' })).toMatch(/^TWILIO_BASE_URL: must be an origin/);
    expect(errorOf({ ...base, LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL:/);
    for (const message of [errorOf({ ...base, DATABASE_URL: 'mysql//secret-pass@' })]) expect(message).not.toContain('\n');
  });

  it('reads CORS_ORIGINS as a list of origins, none by default', () => {
    expect(loadConfig(base).corsOrigins).toEqual([]);
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://app.example.com, http://localhost:3000/' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);
    expect(loadConfig({ ...base, CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(errorOf({ ...base, CORS_ORIGINS: 'https://app.example.com/path' })).toMatch(/^CORS_ORIGINS: /);
    expect(errorOf({ ...base, CORS_ORIGINS: 'app.example.com' })).toMatch(/^CORS_ORIGINS: /);
  });

  it('reads SHUTDOWN_GRACE_SECONDS, 5 by default, 0 to 120', () => {
    expect(loadConfig(base).shutdownGraceSeconds).toBe(5);
    expect(loadConfig({ ...base, SHUTDOWN_GRACE_SECONDS: '0' }).shutdownGraceSeconds).toBe(0);
    expect(loadConfig({ ...base, SHUTDOWN_GRACE_SECONDS: '30' }).shutdownGraceSeconds).toBe(30);
    expect(errorOf({ ...base, SHUTDOWN_GRACE_SECONDS: '121' })).toMatch(/^SHUTDOWN_GRACE_SECONDS: must be a whole number from 0 to 120/);
    expect(errorOf({ ...base, SHUTDOWN_GRACE_SECONDS: '2.5' })).toMatch(/^SHUTDOWN_GRACE_SECONDS:/);
  });

  it('reads the notification settings with their defaults', () => {
    expect(loadConfig(base).notifications).toEqual({
      workers: true,
      concurrency: 50,
      sendConcurrency: 1,
      twilioSendConcurrency: 16,
      retryBaseMs: 1000,
      relayIntervalMs: 200,
      lockMs: 10_000,
      sendTimeoutMs: 10_000,
      limits: {
        sms: { codesPer10Minutes: 3, resendCooldownSeconds: 60, perUserPerHour: 10, perCallerPerHour: 1000, perInstancePerHour: 5000 },
        email: { codesPer10Minutes: 3, resendCooldownSeconds: 60, perUserPerHour: 10, perCallerPerHour: 10_000, perInstancePerHour: 50_000 },
      },
      smsCountries: { kind: 'any' },
    });
    const custom = loadConfig({ ...base, NOTIFICATION_WORKERS: 'false', SMS_CODES_PER_10_MIN: '5', SMS_RESEND_COOLDOWN_SECONDS: '0' });
    expect(custom.notifications.workers).toBe(false);
    expect(loadConfig({ ...base, NOTIFICATION_SEND_CONCURRENCY: '8' }).notifications.sendConcurrency).toBe(8);
    expect(loadConfig({ ...base, NOTIFICATION_TWILIO_SEND_CONCURRENCY: '4' }).notifications.twilioSendConcurrency).toBe(4);
    expect(custom.notifications.limits.sms).toMatchObject({ codesPer10Minutes: 5, resendCooldownSeconds: 0 });
  });

  it('reads the limits beyond the number and the destination country rule', () => {
    const custom = loadConfig({
      ...base,
      SMS_CODES_PER_USER_PER_HOUR: '4',
      SMS_CODES_PER_CALLER_PER_HOUR: '50',
      SMS_CODES_PER_INSTANCE_PER_HOUR: '700',
      EMAIL_CODES_PER_USER_PER_HOUR: '5',
      EMAIL_CODES_PER_CALLER_PER_HOUR: '60',
      EMAIL_CODES_PER_INSTANCE_PER_HOUR: '800',
    }).notifications;
    expect(custom.limits.sms).toMatchObject({ perUserPerHour: 4, perCallerPerHour: 50, perInstancePerHour: 700 });
    expect(custom.limits.email).toMatchObject({ perUserPerHour: 5, perCallerPerHour: 60, perInstancePerHour: 800 });
    expect(loadConfig({ ...base, SMS_ALLOWED_COUNTRY_CODES: '1, +44,49' }).notifications.smsCountries).toEqual({ kind: 'allow', codes: new Set(['1', '44', '49']) });
    expect(loadConfig({ ...base, SMS_DENIED_COUNTRY_CODES: '882,236' }).notifications.smsCountries).toEqual({ kind: 'deny', codes: new Set(['882', '236']) });
  });

  it('refuses a malformed limit or country list in one line naming the variable', () => {
    expect(errorOf({ ...base, SMS_CODES_PER_USER_PER_HOUR: '0' })).toMatch(/^SMS_CODES_PER_USER_PER_HOUR: must be a whole number from 1/);
    expect(errorOf({ ...base, EMAIL_CODES_PER_CALLER_PER_HOUR: 'lots' })).toMatch(/^EMAIL_CODES_PER_CALLER_PER_HOUR: /);
    expect(errorOf({ ...base, SMS_CODES_PER_INSTANCE_PER_HOUR: '1e6' })).toMatch(/^SMS_CODES_PER_INSTANCE_PER_HOUR: /);
    expect(errorOf({ ...base, SMS_ALLOWED_COUNTRY_CODES: '1,CH' })).toMatch(/^SMS_ALLOWED_COUNTRY_CODES: "CH" is not a country calling code/);
    expect(errorOf({ ...base, SMS_DENIED_COUNTRY_CODES: '999' })).toMatch(/^SMS_DENIED_COUNTRY_CODES: "999"/);
    expect(errorOf({ ...base, SMS_ALLOWED_COUNTRY_CODES: '1,,44' })).toMatch(/^SMS_ALLOWED_COUNTRY_CODES: "" /);
    expect(errorOf({ ...base, SMS_ALLOWED_COUNTRY_CODES: '41', SMS_DENIED_COUNTRY_CODES: '44' })).toMatch(/^SMS_DENIED_COUNTRY_CODES: cannot be set together/);
    for (const message of [errorOf({ ...base, SMS_DENIED_COUNTRY_CODES: 'x' })]) expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses a malformed notification setting in one line', () => {
    expect(errorOf({ ...base, NOTIFICATION_WORKERS: 'yes' })).toMatch(/^NOTIFICATION_WORKERS: must be true or false/);
    expect(errorOf({ ...base, SMS_CODES_PER_10_MIN: '0' })).toMatch(/^SMS_CODES_PER_10_MIN: must be a whole number from 1/);
    expect(errorOf({ ...base, SMS_RESEND_COOLDOWN_SECONDS: '-1' })).toMatch(/^SMS_RESEND_COOLDOWN_SECONDS:/);
    expect(errorOf({ ...base, NOTIFICATION_CONCURRENCY: 'many' })).toMatch(/^NOTIFICATION_CONCURRENCY:/);
    expect(errorOf({ ...base, NOTIFICATION_SEND_CONCURRENCY: '0' })).toMatch(/^NOTIFICATION_SEND_CONCURRENCY:/);
    expect(errorOf({ ...base, NOTIFICATION_TWILIO_SEND_CONCURRENCY: '0' })).toMatch(/^NOTIFICATION_TWILIO_SEND_CONCURRENCY:/);
  });

  it('reads SMS_HTTP_ALLOWED_HOSTS as host names and CIDR ranges in normal form, none by default', () => {
    expect(loadConfig(base).smsHttpAllowedHosts).toEqual({ hostNames: [], ranges: [] });
    const allowed = loadConfig({ ...base, SMS_HTTP_ALLOWED_HOSTS: ' SMS-GW.corp.example. ,127.0.0.1, ::1,[fd00::5], 10.1.2.3/8,fd00::/8,::ffff:10.0.0.1,gw_1.internal' });
    expect(allowed.smsHttpAllowedHosts).toEqual({
      hostNames: ['sms-gw.corp.example', 'gw_1.internal'],
      ranges: ['127.0.0.1/32', '::1/128', 'fd00::5/128', '10.0.0.0/8', 'fd00::/8', '10.0.0.1/32'],
    });
  });

  it('refuses a malformed SMS_HTTP_ALLOWED_HOSTS entry in one line', () => {
    for (const entry of ['10.0.0.0/33', '10.0.0.0/', 'fd00::/129', '0x7f.1/8', 'not a host', 'https://gw.example', 'gw.example:8080', '-gw.example', 'gw..example', 'ünicode.example']) {
      expect(errorOf({ ...base, SMS_HTTP_ALLOWED_HOSTS: `gw.example,${entry}` })).toMatch(/^SMS_HTTP_ALLOWED_HOSTS: ".+" is (neither|not a CIDR)/);
    }
    for (const entry of ['2130706433', '0x7f.1', '127.1', '0177.0.0.1']) {
      expect(errorOf({ ...base, SMS_HTTP_ALLOWED_HOSTS: entry })).toBe(`SMS_HTTP_ALLOWED_HOSTS: "${entry}" reads as an IPv4 address: write it in dotted decimal, e.g. 127.0.0.1`);
    }
  });

  it('never repeats a database password in an error', () => {
    expect(errorOf({ ...base, DATABASE_URL: 'mysql://root:hunter2@host:3306/' })).not.toContain('hunter2');
  });
});
