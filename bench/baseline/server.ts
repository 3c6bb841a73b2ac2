/**
 * The benchmark's baseline: the same work per request as the service, with no
 * framework. Fastify routes, mysql2 queries, jose for the token, nothing else.
 * It reads and writes the service's own tables (the service's migrations made
 * them), so both pay for the same rows, indexes and transactions:
 *
 *   PATCH /resources/v3alpha/users/:id       verify JWT, BEGIN, SELECT user FOR UPDATE,
 *                                            SELECT its schema, INSERT change_log, UPDATE user, COMMIT
 *   GET   /resources/v3alpha/users/:id       verify JWT, SELECT user, SELECT schema type
 *   PUT   /admin/v1/sms/twilio/:id/token     verify JWT, BEGIN, SELECT provider FOR UPDATE,
 *                                            seal the token (AES-256-GCM), INSERT change_log, UPDATE, COMMIT
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
import { createPool, Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

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

  async function inTransaction<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (error) {
      await conn.rollback().catch(() => undefined);
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
    return inTransaction(async (conn) => {
      const [[user]] = await conn.query<RowDataPacket[]>(
        'SELECT id, organization_id, schema_id, schema_revision, data, sequence, state FROM users WHERE instance_id = ? AND id = ? FOR UPDATE',
        [instanceId, request.params.id],
      );
      if (!user || user.state === 3 || !mayAccessOrg(payload, user.organization_id, ['ORG_OWNER', 'ORG_USER_MANAGER'])) {
        throw new HttpError(404, 5, 'User not found');
      }
      const [[schema]] = await conn.query<RowDataPacket[]>('SELECT id, revision, state FROM user_schemas WHERE instance_id = ? AND id = ?', [
        instanceId,
        user.schema_id,
      ]);
      if (!schema) throw new HttpError(400, 9, 'user schema does not exist');
      const owner = { type: 'OWNER_TYPE_ORG', id: user.organization_id };
      const nextData = JSON.stringify(data ?? JSON.parse(user.data));
      if (nextData === user.data) return { details: { id: user.id, owner } };
      const sequence = Number(user.sequence) + 1;
      const now = new Date();
      await conn.query(
        'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ['user', user.id, sequence, 'user.updated', user.organization_id, payload.sub, now, JSON.stringify({ data })],
      );
      await conn.query('UPDATE users SET data = ?, sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?', [nextData, sequence, now, payload.sub, user.id]);
      return { details: { id: user.id, changed: now.toISOString(), owner } };
    });
  });

  app.get<{ Params: { id: string } }>('/resources/v3alpha/users/:id', async (request) => {
    const payload = await authenticate(request);
    const [[user]] = await pool.query<RowDataPacket[]>('SELECT * FROM users WHERE instance_id = ? AND id = ?', [instanceId, request.params.id]);
    if (!user || user.state === 3 || !mayAccessOrg(payload, user.organization_id, ['ORG_OWNER', 'ORG_USER_MANAGER', 'ORG_OWNER_VIEWER', 'ORG_USER_VIEWER'])) {
      throw new HttpError(404, 5, 'User not found');
    }
    const [[schema]] = await pool.query<RowDataPacket[]>('SELECT type FROM user_schemas WHERE id = ?', [user.schema_id]);
    return {
      user: {
        details: {
          id: user.id,
          created: new Date(user.created_at).toISOString(),
          changed: new Date(user.changed_at).toISOString(),
          owner: { type: 'OWNER_TYPE_ORG', id: user.organization_id },
        },
        schema: { id: user.schema_id, type: schema?.type ?? '', revision: user.schema_revision },
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
    return inTransaction(async (conn) => {
      const [[provider]] = await conn.query<RowDataPacket[]>(
        'SELECT id, kind, sequence FROM sms_providers WHERE instance_id = ? AND id = ? FOR UPDATE',
        [instanceId, request.params.id],
      );
      if (!provider || provider.kind !== 'twilio') throw new HttpError(404, 5, 'SMS configuration not found');
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, nonce);
      cipher.setAAD(Buffer.from(`sms-provider:${provider.id}:twilio-token`, 'utf8'));
      const sealed = Buffer.concat([nonce, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
      const sequence = Number(provider.sequence) + 1;
      const now = new Date();
      await conn.query(
        'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
        ['sms_provider', provider.id, sequence, 'sms_provider.twilio.token.changed', instanceId, payload.sub, now],
      );
      await conn.query(
        'UPDATE sms_providers SET twilio_token_ciphertext = ?, twilio_token_key_id = ?, sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?',
        [sealed, keyId, sequence, now, payload.sub, provider.id],
      );
      return { details: { sequence: String(sequence), changeDate: now.toISOString(), resourceOwner: instanceId } };
    });
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
