/**
 * The benchmark's baseline: the same work per request as the service, with no
 * framework. Fastify routes, mysql2 queries, jose for the token, nothing else.
 * It reads and writes the service's own tables (the service's migrations made
 * them) with the service's statements and round trips (src/common/persistence/
 * mysql-direct.ts: START TRANSACTION travels with the first read, the writes
 * with COMMIT), so both pay for the same rows, indexes, transactions and
 * socket writes:
 *
 *   PATCH /resources/v3alpha/users/:id       verify JWT; START TRANSACTION + SELECT user FOR UPDATE
 *                                            (its schema's revision in a subquery); INSERT change_log
 *                                            + UPDATE user + COMMIT
 *   GET   /resources/v3alpha/users/:id       verify JWT; SELECT user JOIN schema type
 *   PUT   /admin/v1/sms/twilio/:id/token     verify JWT; START TRANSACTION + SELECT provider FOR UPDATE;
 *                                            seal the token (AES-256-GCM); INSERT change_log + UPDATE + COMMIT
 *
 * What it leaves out on purpose (the service's extra work, which the ratio
 * measures): request validation of every field, JSON-Schema validation of
 * `data`, ZITADEL's error shapes for every case, metrics and request logs.
 *
 * Environment: DATABASE_URL, AUTH_ISSUER, MASTER_KEY, PORT. Prints
 * "listening <port>" on stdout once it serves.
 */
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify, JWTPayload } from 'jose';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createPool, RowDataPacket } from 'mysql2/promise';

const SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';
const ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';
/** The same pool size as the service's TypeORM pool (src/database/data-source-options.ts). */
const POOL_SIZE = 20;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const issuer = required('AUTH_ISSUER');
  const masterKey = Buffer.from(required('MASTER_KEY'), 'utf8');
  const keyId = 'mk1-' + createHash('sha256').update('secret-box key id').update(masterKey).digest('hex').slice(0, 12);
  const db = new URL(required('DATABASE_URL'));
  const pool = createPool({
    host: db.hostname,
    port: Number(db.port || 3306),
    user: decodeURIComponent(db.username),
    password: decodeURIComponent(db.password),
    database: db.pathname.slice(1),
    connectionLimit: POOL_SIZE,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    enableKeepAlive: true,
    multipleStatements: true,
  });
  // READ COMMITTED from each connection's first statement on, as the service's pool does.
  pool.pool.on('connection', (connection) => {
    connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (error) => {
      if (error) connection.destroy();
    });
  });
  const [[instance]] = await pool.query<RowDataPacket[]>('SELECT id FROM instance');
  const instanceId = String(instance.id);

  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

  /** The token's claims, checked as the service checks them: signature, iss, exp, sub, scope. */
  async function authenticate(request: FastifyRequest): Promise<JWTPayload> {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new HttpError(401, 16, 'auth header missing');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(header.slice(7), jwks, { issuer, clockTolerance: 5, requiredClaims: ['exp', 'sub'] }));
    } catch {
      throw new HttpError(401, 16, 'invalid token');
    }
    if (!String(payload.scope ?? '').split(' ').includes(SCOPE)) throw new HttpError(403, 7, 'scope missing');
    return payload;
  }

  /** IAM_OWNER anywhere, or an organization role for the user's organization. */
  function mayAccessOrg(payload: JWTPayload, orgId: string, roles: string[]): boolean {
    const granted = (payload[ROLES_CLAIM] ?? {}) as Record<string, Record<string, string>>;
    if (granted.IAM_OWNER) return true;
    return roles.some((role) => granted[role] && orgId in granted[role]);
  }

  /**
   * One transaction in the service's round trips: `START TRANSACTION; <first>`,
   * then what `work` returns as `writes` together with COMMIT (or COMMIT alone).
   */
  async function inTransaction<T>(
    first: { sql: string; values: unknown[] },
    work: (row: RowDataPacket | undefined) => { result: T; writes?: Array<{ sql: string; values: unknown[] }> },
  ): Promise<T> {
    const conn = await pool.getConnection();
    try {
      const [results] = await conn.query<RowDataPacket[][]>(`START TRANSACTION;\n${first.sql}`, first.values);
      const outcome = work(results[1][0]);
      const writes = outcome.writes ?? [];
      await conn.query([...writes.map((write) => write.sql), 'COMMIT'].join(';\n'), writes.flatMap((write) => write.values));
      return outcome.result;
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      conn.release();
    }
  }

  const app = Fastify({ logger: false });
  app.setErrorHandler((error: Error, _request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) return reply.status(error.status).send({ code: error.code, message: error.message, details: [] });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status).send({ code: status === 400 ? 3 : 13, message: status === 400 ? error.message : 'internal', details: [] });
  });

  app.patch<{ Params: { id: string }; Body: { data?: unknown } }>('/resources/v3alpha/users/:id', async (request) => {
    const payload = await authenticate(request);
    const data = request.body?.data;
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) throw new HttpError(400, 3, 'data must be an object');
    return inTransaction<{ details: Record<string, unknown> }>(
      {
        sql: `SELECT id, organization_id, schema_id, schema_revision, data, sequence, state,
                (SELECT s.revision FROM user_schemas s WHERE s.instance_id = u.instance_id AND s.id = u.schema_id AND s.state <> 3) AS current_schema_revision
              FROM users u WHERE u.instance_id = ? AND u.id = ? FOR UPDATE`,
        values: [instanceId, request.params.id],
      },
      (user) => {
        if (!user || user.state === 3 || !mayAccessOrg(payload, user.organization_id, ['ORG_OWNER', 'ORG_USER_MANAGER'])) {
          throw new HttpError(404, 5, 'User not found');
        }
        if (user.current_schema_revision === null) throw new HttpError(400, 9, 'user schema does not exist');
        const owner = { type: 'OWNER_TYPE_ORG', id: user.organization_id };
        const nextData = JSON.stringify(data ?? JSON.parse(user.data));
        if (nextData === user.data) return { result: { details: { id: user.id, owner } } };
        const sequence = Number(user.sequence) + 1;
        const now = new Date();
        return {
          result: { details: { id: user.id, changed: now.toISOString(), owner } },
          writes: [
            {
              sql: 'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
              values: ['user', user.id, sequence, 'user.updated', user.organization_id, payload.sub, now, JSON.stringify({ data })],
            },
            { sql: 'UPDATE users SET data = ?, sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?', values: [nextData, sequence, now, payload.sub, user.id] },
          ],
        };
      },
    );
  });

  app.get<{ Params: { id: string } }>('/resources/v3alpha/users/:id', async (request) => {
    const payload = await authenticate(request);
    const [[user]] = await pool.query<RowDataPacket[]>(
      'SELECT u.*, s.type AS schema_type FROM users u LEFT JOIN user_schemas s ON s.id = u.schema_id WHERE u.instance_id = ? AND u.id = ?',
      [instanceId, request.params.id],
    );
    if (!user || user.state === 3 || !mayAccessOrg(payload, user.organization_id, ['ORG_OWNER', 'ORG_USER_MANAGER', 'ORG_OWNER_VIEWER', 'ORG_USER_VIEWER'])) {
      throw new HttpError(404, 5, 'User not found');
    }
    return {
      user: {
        details: {
          id: user.id,
          created: new Date(user.created_at).toISOString(),
          changed: new Date(user.changed_at).toISOString(),
          owner: { type: 'OWNER_TYPE_ORG', id: user.organization_id },
        },
        schema: { id: user.schema_id, type: user.schema_type ?? '', revision: user.schema_revision },
        data: JSON.parse(user.data),
        ...(user.phone_number ? { contact: { phone: { number: user.phone_number } } } : {}),
        state: user.locked ? 'USER_STATE_LOCKED' : user.state === 1 ? 'USER_STATE_ACTIVE' : 'USER_STATE_INACTIVE',
      },
    };
  });

  app.put<{ Params: { id: string }; Body: { token?: unknown } }>('/admin/v1/sms/twilio/:id/token', async (request) => {
    const payload = await authenticate(request);
    if (!mayAccessOrg(payload, '', [])) throw new HttpError(403, 7, 'No matching permissions found');
    const token = request.body?.token;
    if (typeof token !== 'string' || token.length < 1 || token.length > 200) throw new HttpError(400, 3, 'invalid token');
    return inTransaction(
      { sql: 'SELECT id, kind, sequence FROM sms_providers WHERE instance_id = ? AND id = ? FOR UPDATE', values: [instanceId, request.params.id] },
      (provider) => {
        if (!provider || provider.kind !== 'twilio') throw new HttpError(404, 5, 'SMS configuration not found');
        const nonce = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', masterKey, nonce);
        cipher.setAAD(Buffer.from(`sms-provider:${provider.id}:twilio-token`, 'utf8'));
        const sealed = Buffer.concat([nonce, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
        const sequence = Number(provider.sequence) + 1;
        const now = new Date();
        return {
          result: { details: { sequence: String(sequence), changeDate: now.toISOString(), resourceOwner: instanceId } },
          writes: [
            {
              sql: 'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
              values: ['sms_provider', provider.id, sequence, 'sms_provider.twilio.token.changed', instanceId, payload.sub, now],
            },
            {
              sql: 'UPDATE sms_providers SET twilio_token_ciphertext = ?, twilio_token_key_id = ?, sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?',
              values: [sealed, keyId, sequence, now, payload.sub, provider.id],
            },
          ],
        };
      },
    );
  });

  const shutdown = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());

  const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
  process.stdout.write(`listening ${new URL(address).port}\n`);

  function required(name: string): string {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`baseline failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
