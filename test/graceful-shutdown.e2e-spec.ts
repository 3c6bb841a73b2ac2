import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltServer, bareEnv } from './support/built-server';
import { TestIssuer } from './support/test-issuer';

describe('graceful shutdown on SIGTERM (built server)', () => {
  let cwd: string;
  let issuer: TestIssuer;
  let server: BuiltServer | undefined;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'idt-shutdown-'));
    issuer = await new TestIssuer().start();
  });
  afterAll(async () => {
    await server?.kill();
    await issuer.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    server = await BuiltServer.start(cwd, bareEnv({ HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', AUTH_ISSUER: issuer.url }));

    // The first authenticated request must fetch the issuer's keys; holding
    // them back keeps it in flight for as long as the test wants.
    const held = issuer.holdJwks();
    const inFlight = fetch(`${server.url}/admin/v1/sms/_search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.owner()}`, 'content-type': 'application/json' },
      body: '{}',
    });
    await held.requested;

    server.signal('SIGTERM');
    await server.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('SIGTERM: no longer accepting connections; finishing 1 request(s) in flight'));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    held.release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ details: { totalResult: '0', viewTimestamp: expect.any(String) }, result: [] });

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((line) => line.msg)).toContain('stopped');
    expect(server.stderr.join('')).toBe('');
    // SQLite folds its write-ahead log back into the database file when the
    // last connection closes: the pools were closed, not abandoned.
    expect(existsSync(join(cwd, 'data', 'identity.sqlite'))).toBe(true);
    expect(existsSync(join(cwd, 'data', 'identity.sqlite-wal'))).toBe(false);
  });
});
