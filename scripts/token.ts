/**
 * npm run token -- --role IAM_OWNER [--role …] [--org ID] [--sub ID] [--ttl SECONDS]
 *
 * Prints (only) an access token of the development issuer, the issuer the
 * service is when AUTH_ISSUER is not set. It reads the same configuration as
 * the server (environment, .env) and the same key file in DATA_DIR, creating
 * the key when the server has not run yet.
 */
import { config as loadDotenv } from 'dotenv';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { ROLE_GRANTS } from '../src/modules/auth/permissions';
import { DEFAULT_DEV_ORG, DEFAULT_DEV_SUBJECT, DEFAULT_DEV_TTL_SECONDS, signDevAccessToken } from '../src/modules/auth/dev-issuer/dev-access-token';
import { devIssuerUrl } from '../src/modules/auth/dev-issuer/dev-issuer';
import { loadOrCreateDevIssuerKey } from '../src/modules/auth/dev-issuer/dev-issuer-key';

const USAGE = `usage: npm run -s token -- --role ROLE [--role ROLE…] [--org ID] [--sub ID] [--ttl SECONDS]
  --role  one of ${Object.keys(ROLE_GRANTS).join(', ')} (repeatable)
  --org   organization where the roles hold and the caller belongs (default "${DEFAULT_DEV_ORG}")
  --sub   the caller's user id, recorded as editor (default "${DEFAULT_DEV_SUBJECT}")
  --ttl   lifetime in seconds (default ${DEFAULT_DEV_TTL_SECONDS}, 12 hours)`;

class UsageError extends Error {}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      org: { type: 'string', default: DEFAULT_DEV_ORG },
      sub: { type: 'string', default: DEFAULT_DEV_SUBJECT },
      ttl: { type: 'string', default: String(DEFAULT_DEV_TTL_SECONDS) },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError('--role is required');
  for (const role of roles) if (!(role in ROLE_GRANTS)) throw new UsageError(`unknown role ${role}`);
  const org = values.org;
  if (org.length < 1 || org.length > 200) throw new UsageError('--org must have 1 to 200 characters');
  if (values.sub.length < 1 || values.sub.length > 200) throw new UsageError('--sub must have 1 to 200 characters');
  if (!/^\d{1,9}$/.test(values.ttl) || Number(values.ttl) < 1) throw new UsageError('--ttl must be a number of seconds');

  const config = loadConfig(process.env);
  if (config.auth.issuer) {
    throw new UsageError(`AUTH_ISSUER is set (${config.auth.issuer}): the service accepts only that issuer's tokens; get one there`);
  }
  if (config.httpPort === 0) throw new UsageError('HTTP_PORT=0: the development issuer URL depends on the port, set a fixed HTTP_PORT');

  const { key } = loadOrCreateDevIssuerKey(config.dataDir);
  const token = await signDevAccessToken(key, devIssuerUrl(config.httpPort), {
    roles: Object.fromEntries(roles.map((role) => [role, [org]])),
    org,
    sub: values.sub,
    ttlSeconds: Number(values.ttl),
    audience: config.auth.audience,
  });
  process.stdout.write(token + '\n');
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`token: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
