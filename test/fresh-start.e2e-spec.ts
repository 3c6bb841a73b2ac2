import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltServer, bareEnv, runTokenScript } from './support/built-server';
import { freePort } from './support/free-port';

/**
 * A newcomer's first minute: no MySQL, Redis, master key or issuer configured.
 * The built server (what `npm start` runs) in an empty directory with an empty
 * environment, and `npm run token` for a token it accepts.
 */
describe('fresh start with no configuration (built server, npm run token)', () => {
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  let server: BuiltServer | undefined;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'idt-fresh-'));
    // Only the port is set: 8080 may be taken on the machine running the tests.
    env = bareEnv({ HTTP_PORT: String(await freePort()), GRPC_PORT: String(await freePort()) });
  });
  afterAll(async () => {
    await server?.kill();
    rmSync(cwd, { recursive: true, force: true });
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('serves the seed call with a token printed by npm run token, before and after the server first ran', async () => {
    // Before the server ever ran: the script makes the issuer key itself.
    const early = await runTokenScript(cwd, env, ['--role', 'IAM_OWNER']);
    expect(early).toEqual({ stdout: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+\n$/), stderr: '', code: 0 });

    server = await BuiltServer.start(cwd, env);
    const late = await runTokenScript(cwd, env, ['--role', 'IAM_OWNER', '--org', 'acme', '--sub', 'newcomer', '--ttl', '600']);
    expect(late.code).toBe(0);
    const claims = JSON.parse(Buffer.from(late.stdout.trim().split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toEqual({
      iss: `http://localhost:${env.HTTP_PORT}`,
      sub: 'newcomer',
      scope: 'openid urn:zitadel:iam:org:project:id:zitadel:aud',
      'urn:zitadel:iam:org:project:roles': { IAM_OWNER: { acme: 'acme' } },
      'urn:zitadel:iam:user:resourceowner:id': 'acme',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(claims.exp - claims.iat).toBe(600);

    const added = await call('POST', '/admin/v1/sms/twilio', early.stdout.trim(), { sid: 'AC123', token: 's3cr3t', senderNumber: '+41791234567' });
    expect(added.status).toBe(200);
    const { id } = (await added.json()) as { id: string };
    const rotated = await call('PUT', `/admin/v1/sms/twilio/${id}/token`, late.stdout.trim(), { token: 'new-twilio-auth-token' });
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toEqual({ details: { sequence: '2', creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: expect.any(String) } });

    // One line per default, naming the variable that switches to production.
    const defaults = server.lines.filter((line) => line.context === 'EmbeddedDefaults').map((line) => [line.level, line.msg]);
    expect(defaults).toEqual(
      expect.arrayContaining([
        [40, 'no MASTER_KEY: generated one into ./data/master.key; set MASTER_KEY to switch to production'],
        [30, 'no DATABASE_URL: using SQLite at ./data/identity.sqlite; set DATABASE_URL to switch to production (MySQL)'],
        [40, expect.stringMatching(/^no AUTH_ISSUER: .* set AUTH_ISSUER to switch to production$/)],
      ]),
    );
    expect(statSync(join(cwd, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cwd, 'data', 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(cwd, 'data', 'dev-issuer.jwk.json')).mode & 0o777).toBe(0o600);

    // A restart keeps the data, the key and the issuer: the old token still works.
    const masterKey = readFileSync(join(cwd, 'data', 'master.key'), 'utf8');
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    server = await BuiltServer.start(cwd, env);
    expect(readFileSync(join(cwd, 'data', 'master.key'), 'utf8')).toBe(masterKey);
    expect(server.lines.map((line) => line.msg)).toContain('no MASTER_KEY: using the key generated earlier in ./data/master.key; set MASTER_KEY to switch to production');
    const read = await call('GET', `/admin/v1/sms/${id}`, early.stdout.trim());
    expect(read.status).toBe(200);
    expect(((await read.json()) as { config: { details: { sequence: string } } }).config.details.sequence).toBe('2');
  });

  it('npm run token explains its usage and refuses when AUTH_ISSUER is set', async () => {
    const noRole = await runTokenScript(cwd, env, []);
    expect(noRole.code).toBe(2);
    expect(noRole.stdout).toBe('');
    expect(noRole.stderr).toMatch(/--role is required\nusage: npm run -s token -- --role ROLE/);
    expect((await runTokenScript(cwd, env, ['--role', 'GOD'])).stderr).toMatch(/unknown role GOD/);
    const foreign = await runTokenScript(cwd, { ...env, AUTH_ISSUER: 'https://idp.example.com' }, ['--role', 'IAM_OWNER']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/AUTH_ISSUER is set/);
  });
});
