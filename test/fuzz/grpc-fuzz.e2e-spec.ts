import { DescMethod, fromBinary } from '@bufbuild/protobuf';
import { Client, Metadata, ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import fc from 'fast-check';
import { ZitadelService, zitadelApi } from '../../src/grpc/zitadel-descriptors';
import { TestApp } from '../support/test-app';
import { brief, Outcome, runBatch } from './batch';
import { AuthKind, authKinds, Fixtures, seed, startFuzzApp } from './fuzz-fixtures';
import { FUZZ_BATCH, FUZZ_RUNS, failureSummary, fuzzes, runsFor, timed, timeoutFor } from './fuzz-settings';
import { requestBytes } from './grpc-messages';
import { grpcProblem } from './response-checks';
import { legitimateChangesOfRefused, StoredState } from './stored-state';

/**
 * Property: whatever bytes and metadata a client sends to any served RPC
 * (well-formed messages with wrong values, malformed protobuf, bad and absent
 * tokens), the status is a proper one (never UNKNOWN or INTERNAL;
 * UNIMPLEMENTED where an RPC has no handler yet), errors carry ZITADEL's
 * google.rpc.Status with a zitadel.v1.ErrorDetail, successes decode as the
 * RPC's response, and a refused call leaves the database as it was. The
 * methods come from the descriptors the server is built from. Requests go
 * through grpc-js with identity serializers, so the bytes are sent as made.
 */

/** AdminService's SMS-provider RPCs; every RPC of ZITADELUsers and ZITADELUserSchemas. */
function fuzzedMethods(): DescMethod[] {
  return zitadelApi().services.flatMap((service) =>
    service.typeName === ZitadelService.Admin ? service.methods.filter((method) => /SMSProvider/.test(method.name)) : service.methods,
  );
}
const EXPECTED_METHODS = { [ZitadelService.Admin]: 10, [ZitadelService.Users]: 36, [ZitadelService.UserSchemas]: 7 };

interface GrpcCase {
  auth: AuthKind;
  bytes: Uint8Array;
}

const identity = (value: Buffer) => value;

function rawClient(t: TestApp, method: DescMethod): Client & Record<string, Function> {
  const Constructor = makeGenericClientConstructor(
    {
      call: {
        path: `/${method.parent.typeName}/${method.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    'Fuzz',
  );
  return new Constructor(t.grpcUrl, credentials.createInsecure(), { 'grpc.max_send_message_length': 16 * 1024 * 1024 }) as never;
}

function knownIds(method: DescMethod, fixtures: Fixtures): string[] {
  if (method.parent.typeName === ZitadelService.Admin) return fixtures.smsProviderIds;
  return [fixtures.userId, fixtures.schemaId];
}

function send(client: Client & Record<string, Function>, method: DescMethod, fixtures: Fixtures, fuzzCase: GrpcCase): Promise<Outcome> {
  const metadata = new Metadata();
  const authorization = fixtures.authorizations[fuzzCase.auth];
  if (authorization) metadata.set('authorization', authorization);
  return new Promise((resolve) => {
    client.call(Buffer.from(fuzzCase.bytes), metadata, { deadline: Date.now() + 120_000 }, (error: ServiceError | null, response?: Buffer) => {
      const where = `${method.name}:`;
      if (error) {
        const [statusDetails] = error.metadata?.get('grpc-status-details-bin') ?? [];
        const problem = grpcProblem({ code: error.code, details: error.details, statusDetails: statusDetails as Buffer | undefined });
        resolve({ refused: true, problem: problem && `${where} ${problem}` });
        return;
      }
      try {
        fromBinary(method.output, response!);
        resolve({ refused: false });
      } catch (decodeError) {
        resolve({ refused: false, problem: `${where} the response does not decode as ${method.output.typeName}: ${(decodeError as Error).message}` });
      }
    });
  });
}

describe('gRPC fuzzing: malformed calls to every served RPC of the descriptors', () => {
  let t: TestApp;
  let state: StoredState;
  const methods = fuzzedMethods();

  beforeAll(async () => {
    ({ t, state } = await startFuzzApp());
  }, 120_000);
  afterAll(() => t?.close());

  it('enumerates the SMS-provider RPCs of AdminService and every RPC of ZITADELUsers and ZITADELUserSchemas', () => {
    const counts: Record<string, number> = {};
    for (const method of methods) counts[method.parent.typeName] = (counts[method.parent.typeName] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_METHODS);
  });

  it(`sends ${FUZZ_RUNS} malformed calls (${FUZZ_BATCH} at a time) to each RPC: proper statuses, ZITADEL's error details, refused calls change nothing`, async () => {
    const failures: string[] = [];
    for (const method of methods.filter((m) => fuzzes(m.name))) {
      let sending = 0;
      const fixtures = await seed(t);
      const client = rawClient(t, method);
      const started = Date.now();
      const cases = fc.record({ auth: authKinds, bytes: requestBytes(method.input, knownIds(method, fixtures)) });
      await fc
        .assert(
          fc.asyncProperty(fc.array(cases, { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), (batch) =>
            timed(
              runBatch(t, state, legitimateChangesOfRefused(method.name), batch, (fuzzCase) => send(client, method, fixtures, fuzzCase), (c) =>
                brief({ auth: c.auth, bytes: Buffer.from(c.bytes.slice(0, 120)).toString('hex'), length: c.bytes.length }),
              ),
              (ms) => (sending += ms),
            ),
          ),
          runsFor(),
        )
        .catch((error: Error) => failures.push(failureSummary(method.name, error)));
      client.close();
      if (process.env.FUZZ_VERBOSE) process.stderr.write(`${method.name}: ${Date.now() - started} ms, ${sending} ms of it sending and checking\n`);
    }
    expect(failures).toEqual([]);
  }, timeoutFor() * 53);
});
