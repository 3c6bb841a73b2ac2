import { create, fromBinary, toBinary, toJson } from '@bufbuild/protobuf';
import { CreateUserRequestSchema, GetUserResponseSchema } from '@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb';
import { UpdateSMSProviderHTTPResponse } from '@zitadel/node/dist/api/generated/zitadel/admin.js';
import { requestToProtoJson, responseFromProtoJson } from './protojson';
import { ZitadelService, zitadelMethod } from './zitadel-descriptors';
import { STRUCT_SAMPLE } from '../../test/support/struct-sample';

const DATA = STRUCT_SAMPLE;

describe('protojson adapter between gRPC messages and the application services', () => {
  const createUser = zitadelMethod(ZitadelService.Users, 'CreateUser');
  const getUser = zitadelMethod(ZitadelService.Users, 'GetUser');

  it('hands a Struct from the wire to the services exactly as JSON', () => {
    // Encoded by @zitadel/proto's own schema, as a client would.
    const wire = toBinary(CreateUserRequestSchema, create(CreateUserRequestSchema, { organization: { property: { case: 'orgId', value: 'org-1' } }, user: { schemaId: 's1', data: DATA } }));
    const request = requestToProtoJson(fromBinary(createUser.input, wire)) as { organization: unknown; user: { schemaId: string; data: unknown } };
    expect(request.organization).toEqual({ orgId: 'org-1' });
    expect(request.user.schemaId).toBe('s1');
    expect(request.user.data).toEqual(DATA);
  });

  it('emits implicit fields at their default, as protoc-gen-validate sees them', () => {
    const rotate = zitadelMethod(ZitadelService.Admin, 'UpdateSMSProviderTwilioToken');
    expect(requestToProtoJson(create(rotate.input, { id: '7' }))).toEqual({ id: '7', token: '' });
    const list = zitadelMethod(ZitadelService.Admin, 'ListSMSProviders');
    expect(requestToProtoJson(create(list.input, {}))).toEqual({});
    expect(requestToProtoJson(create(list.input, { query: { offset: 5n, limit: 10 } }))).toEqual({ query: { offset: '5', limit: 10, asc: false } });
  });

  it('turns a service result into the response message: Struct, timestamps, enums and uint64 intact', () => {
    const result = {
      user: {
        details: { id: 'u1', created: '2025-03-02T10:11:12.345678Z', changed: '2025-03-02T10:11:13Z', owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } },
        schema: { id: 's1', type: 'employee', revision: 3 },
        state: 'USER_STATE_ACTIVE',
        data: DATA,
      },
    };
    const message = responseFromProtoJson(getUser.output, result);
    const wire = toBinary(getUser.output, message);
    const decoded = fromBinary(GetUserResponseSchema, wire);
    expect(decoded.user!.data).toEqual(DATA);
    expect(decoded.user!.details!.created).toMatchObject({ seconds: BigInt(Date.parse('2025-03-02T10:11:12Z') / 1000), nanos: 345678000 });
    expect(toJson(GetUserResponseSchema, decoded)).toEqual(result);

    const list = zitadelMethod(ZitadelService.Admin, 'ListSMSProviders');
    const page = responseFromProtoJson(list.output, {
      details: { totalResult: '18446744073709551615', viewTimestamp: '2025-03-02T10:11:12Z' },
      result: [{ id: 'p1', state: 'SMS_PROVIDER_CONFIG_ACTIVE', details: { sequence: '9007199254740993', resourceOwner: 'i1' } }],
    }) as unknown as { details: { totalResult: bigint }; result: Array<{ state: number; details: { sequence: bigint } }> };
    expect(page.details.totalResult).toBe(18446744073709551615n);
    expect(page.result[0].state).toBe(1);
    expect(page.result[0].details.sequence).toBe(9007199254740993n);
  });

  it('drops undefined members like the REST body does, and refuses fields the RPC does not have', () => {
    const rotate = zitadelMethod(ZitadelService.Admin, 'UpdateSMSProviderTwilioToken');
    expect(() => responseFromProtoJson(rotate.output, { details: { sequence: '2', resourceOwner: 'i' }, extra: undefined })).not.toThrow();
    expect(() => responseFromProtoJson(rotate.output, { details: { sequence: '2' }, token: 'secret' })).toThrow(/unknown/);
  });

  it('serves the HTTP provider signing-key fields that @zitadel/proto 1.3.1 lacks, wire-compatible with @zitadel/node', () => {
    const updateHttp = zitadelMethod(ZitadelService.Admin, 'UpdateSMSProviderHTTP');
    expect(updateHttp.input.fields.map((f) => [f.name, f.number])).toContainEqual(['expiration_signing_key', 4]);
    const signingKey = updateHttp.output.fields.find((f) => f.name === 'signing_key')!;
    expect([signingKey.number, signingKey.presence]).toEqual([2, 1 /* explicit: proto3 optional */]);
    expect(zitadelMethod(ZitadelService.Admin, 'AddSMSProviderHTTP').output.fields.map((f) => [f.name, f.number])).toContainEqual(['signing_key', 3]);

    const message = responseFromProtoJson(updateHttp.output, { details: { sequence: '2', resourceOwner: 'i' }, signingKey: 'k3y' });
    expect(UpdateSMSProviderHTTPResponse.decode(toBinary(updateHttp.output, message)).signingKey).toBe('k3y');
    const withoutKey = responseFromProtoJson(updateHttp.output, { details: { sequence: '2', resourceOwner: 'i' } });
    expect(UpdateSMSProviderHTTPResponse.decode(toBinary(updateHttp.output, withoutKey)).signingKey).toBeUndefined();
  });
});
