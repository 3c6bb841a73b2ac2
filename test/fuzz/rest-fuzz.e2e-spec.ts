import fc from 'fast-check';
import { createConnection } from 'mysql2/promise';
import { testDatabaseServer } from '../support/environment';
import { TestApp } from '../support/test-app';
import { anyJson, nastyString, pathId, segment, toJsonText, urlString } from './arbitraries';
import { brief, Outcome, runBatch } from './batch';
import { AuthKind, authKinds, Fixtures, seed, startFuzzApp } from './fuzz-fixtures';
import { FUZZ_BATCH, FUZZ_RUNS, failureSummary, fuzzes, runsFor, timed, timeoutFor } from './fuzz-settings';
import { restProblem } from './response-checks';
import { RestEndpoint, bodyFor, restEndpoints } from './rest-endpoints';
import { legitimateChangesOfRefused, StoredState } from './stored-state';

/**
 * Property: whatever a client sends to any REST endpoint (wrong types,
 * missing and extra fields, over-long and unicode strings, deep and huge
 * JSON, bad path ids and query strings, bad JSON, wrong content types, bad
 * and absent tokens), the answer is never a server error, errors have
 * ZITADEL's shape, and a refused request leaves the database as it was.
 * The endpoints come from the served OpenAPI document, so a new one is fuzzed
 * without touching this file.
 */

/** SMS providers 10, user schemas 7, users 15: a new endpoint must be counted here, knowingly. */
const EXPECTED_ENDPOINTS = 32;

type BodyCase = { kind: 'none' } | { kind: 'json'; value: unknown; contentType: string } | { kind: 'raw'; text: string; contentType?: string };

interface RestCase {
  auth: AuthKind;
  id: string;
  query: Array<[string, string]>;
  body: BodyCase;
}

const BAD_JSON = ['{', '{"a":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '{"a":1,}', '\u0000', '{"a":"\\ud800"}', '{"a":"\\x"}', '1e99999', '123456789012345678901234567890', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\uFEFF{}'];
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/grpc', 'application/jsonx', 'application/json; charset=utf-16'];

function bodyCases(endpoint: RestEndpoint): fc.Arbitrary<BodyCase> {
  const shaped = endpoint.body ? bodyFor(endpoint.body) : anyJson;
  const json = fc.record({ kind: fc.constant('json' as const), value: shaped, contentType: fc.constantFrom(...JSON_TYPES) });
  const badJson = fc.oneof(
    fc.constantFrom(...BAD_JSON),
    fc.tuple(shaped, fc.nat()).map(([value, cut]) => {
      const text = toJsonText(value);
      return text.slice(0, text.length > 1 ? cut % text.length : 0);
    }),
  );
  const raw = fc.oneof(
    fc.record({ kind: fc.constant('raw' as const), text: badJson, contentType: fc.constantFrom(...JSON_TYPES) }),
    fc.record({ kind: fc.constant('raw' as const), text: fc.oneof(shaped.map(toJsonText), nastyString), contentType: fc.option(fc.constantFrom(...OTHER_TYPES), { nil: undefined }) }),
  );
  const none = fc.constant({ kind: 'none' as const });
  // fetch (like browsers) cannot send a body with GET.
  if (endpoint.method === 'GET') return none;
  return endpoint.body
    ? fc.oneof({ weight: 8, arbitrary: json }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: none })
    : fc.oneof({ weight: 6, arbitrary: none }, { weight: 2, arbitrary: json }, { weight: 1, arbitrary: raw });
}

function queryCases(endpoint: RestEndpoint): fc.Arbitrary<Array<[string, string]>> {
  const key = fc.oneof(
    fc.constantFrom(...endpoint.queryParameters, 'organization.orgId'),
    fc.constantFrom('a[b]', 'query.limit[]', 'organization.orgId[x]', '__proto__', 'constructor[prototype][x]', 'query'),
    urlString,
  );
  const value = fc.oneof(fc.constantFrom('org-1', 'org-2', '-1', '0', '1e999', '18446744073709551616', 'true', 'FIELD_NAME_ID', 'FIELD_NAME_NOPE'), urlString);
  return fc.oneof({ weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(key, value), { maxLength: 3 }) });
}

function knownIds(endpoint: RestEndpoint, fixtures: Fixtures): string[] {
  if (endpoint.path.startsWith('/admin/v1/sms')) return fixtures.smsProviderIds;
  if (endpoint.path.startsWith('/resources/v3alpha/user_schemas')) return [fixtures.schemaId];
  return [fixtures.userId];
}

function restCases(endpoint: RestEndpoint, fixtures: Fixtures): fc.Arbitrary<RestCase> {
  return fc.record({
    auth: authKinds,
    id: pathId(knownIds(endpoint, fixtures)),
    query: queryCases(endpoint),
    body: bodyCases(endpoint),
  });
}

async function send(t: TestApp, endpoint: RestEndpoint, fixtures: Fixtures, fuzzCase: RestCase): Promise<Outcome> {
  const headers: Record<string, string> = {};
  const authorization = fixtures.authorizations[fuzzCase.auth];
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (fuzzCase.body.kind === 'json') {
    body = toJsonText(fuzzCase.body.value);
    headers['content-type'] = fuzzCase.body.contentType;
  } else if (fuzzCase.body.kind === 'raw') {
    body = fuzzCase.body.text;
    if (fuzzCase.body.contentType) headers['content-type'] = fuzzCase.body.contentType;
  }
  const query = fuzzCase.query.map(([key, value]) => `${segment(key)}=${segment(value)}`).join('&');
  const path = endpoint.path.replace('{id}', fuzzCase.id) + (query ? `?${query}` : '');
  let response: Response;
  let text: string;
  try {
    response = await fetch(t.url + path, { method: endpoint.method, headers, body });
    text = await response.text();
  } catch (error) {
    // A body past the 1 MiB limit is answered 413 before it is read, and Node
    // then closes the connection under the client still writing it: the
    // client may see the reset instead of the answer. Refused either way.
    if (body !== undefined && Buffer.byteLength(body) > 1024 * 1024) return { refused: true };
    // Otherwise the connection broke: the server crashed or dropped the request.
    return { refused: true, problem: `${endpoint.method} ${path.slice(0, 200)}: no answer (${(error as Error).message}; ${(error as { cause?: Error }).cause?.message})` };
  }
  const problem = restProblem({ status: response.status, text, contentType: response.headers.get('content-type') });
  return { refused: response.status >= 400, problem: problem && `${endpoint.method} ${path.slice(0, 200)}: ${problem}` };
}

describe('REST fuzzing: malformed requests to every endpoint of the OpenAPI document', () => {
  let t: TestApp;
  let state: StoredState;
  let endpoints: RestEndpoint[];

  beforeAll(async () => {
    ({ t, state } = await startFuzzApp());
    const document = await t.request('GET', '/docs/openapi.json');
    endpoints = restEndpoints(document.body);
  }, 120_000);
  afterAll(() => t?.close());

  it(`enumerates all ${EXPECTED_ENDPOINTS} endpoints of SMS providers, user schemas and users`, () => {
    const ids = endpoints.map((endpoint) => endpoint.operationId);
    expect(ids).toHaveLength(EXPECTED_ENDPOINTS);
    expect(new Set(ids).size).toBe(EXPECTED_ENDPOINTS);
    expect(ids).toEqual(expect.arrayContaining(['AddSMSProviderTwilio', 'UpdateSMSProviderTwilioToken', 'CreateUserSchema', 'PatchUser', 'VerifyContactPhone']));
    // The stored state covers the tables a request writes.
    expect(state.tables).toEqual(expect.arrayContaining(['users', 'user_schemas', 'verification_codes', 'notification_outbox', 'change_log', 'sms_providers']));
  });

  it('notices a new row, a changed column and a removed row, skips only the columns it is told to, and not a write rolled back', async () => {
    const verifyMayChange = legitimateChangesOfRefused('VerifyContactEmail');
    const probe = "user_id = 'probe'";
    try {
      const before = await state.read(t);
      const beforeIgnoring = await state.read(t, verifyMayChange);
      await t.query("INSERT INTO verification_codes (user_id, channel, code_hash, expires_at, failed_attempts, created_at) VALUES ('probe', 'email', 'h', NOW(3), 0, NOW(3))");
      const withRow = await state.read(t);
      expect(withRow).not.toBe(before);
      const withRowIgnoring = await state.read(t, verifyMayChange);
      expect(withRowIgnoring).not.toBe(beforeIgnoring);
      expect(await state.changes(t, before, withRow)).toBe('  verification_codes: 1 insert');

      // A wrong code counts an attempt: a change, except for a refused verify.
      await t.query(`UPDATE verification_codes SET failed_attempts = 1, code_hash = NULL WHERE ${probe}`);
      const counted = await state.read(t);
      expect(counted).not.toBe(withRow);
      expect(await state.read(t, verifyMayChange)).toBe(withRowIgnoring);
      // Writing the values a row already has changes nothing.
      await t.query(`UPDATE verification_codes SET failed_attempts = 1 WHERE ${probe}`);
      expect(await state.read(t)).toBe(counted);
      await t.query(`UPDATE verification_codes SET generator = 'other' WHERE ${probe}`);
      expect(await state.read(t, verifyMayChange)).not.toBe(withRowIgnoring);

      // A write rolled back was never made.
      const beforeRollback = await state.read(t);
      const connection = await createConnection({ ...testDatabaseServer(), database: t.database });
      try {
        await connection.query('START TRANSACTION');
        await connection.query(`UPDATE verification_codes SET generator = 'rolled back' WHERE ${probe}`);
        await connection.query('ROLLBACK');
      } finally {
        await connection.end();
      }
      expect(await state.read(t)).toBe(beforeRollback);

      await t.query(`DELETE FROM verification_codes WHERE ${probe}`);
      const removed = await state.read(t);
      expect(await state.changes(t, beforeRollback, removed)).toBe('  verification_codes: 1 delete');
      await expect(state.read(t, ['users.data'])).rejects.toThrow(/not declared/);
      // Reading the state is an index lookup, however long the log has grown.
      expect(await state.plan(t)).toBe('Select tables optimized away');
    } finally {
      await t.query(`DELETE FROM verification_codes WHERE ${probe}`);
    }
  });

  it(`throws ${FUZZ_RUNS} malformed requests (${FUZZ_BATCH} at a time) at each endpoint: no 5xx, ZITADEL's error shape, refused requests change nothing`, async () => {
    // One endpoint's failure does not hide another's: all are reported together.
    const failures: string[] = [];
    for (const endpoint of endpoints.filter((e) => fuzzes(e.operationId))) {
      let sending = 0;
      const fixtures = await seed(t);
      const started = Date.now();
      const ignore = legitimateChangesOfRefused(endpoint.operationId);
      await fc
        .assert(
          fc.asyncProperty(fc.array(restCases(endpoint, fixtures), { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), (cases) =>
            timed(runBatch(t, state, ignore, cases, (fuzzCase) => send(t, endpoint, fixtures, fuzzCase), brief), (ms) => (sending += ms)),
          ),
          runsFor(),
        )
        .catch((error: Error) => failures.push(failureSummary(endpoint.operationId, error)));
      if (process.env.FUZZ_VERBOSE) process.stderr.write(`${endpoint.operationId}: ${Date.now() - started} ms, ${sending} ms of it sending and checking\n`);
    }
    expect(failures).toEqual([]);
    // Still serving after all that.
    expect((await t.request('GET', '/healthz')).status).toBe(200);
  }, timeoutFor() * EXPECTED_ENDPOINTS);
});
