import { BinaryReader } from '@bufbuild/protobuf/wire';
import { createAccessTokenInterceptor, createAdminClient } from '@zitadel/node/dist/api/index.js';
import type { AdminServiceClient } from '@zitadel/node/dist/api/generated/zitadel/admin.js';
import { ErrorDetail } from '@zitadel/node/dist/api/generated/zitadel/message.js';
import { ZITADELUsersDefinition } from '@zitadel/node/dist/api/generated/zitadel/resources/user/v3alpha/user_service.js';
import { ZITADELUserSchemasDefinition } from '@zitadel/node/dist/api/generated/zitadel/resources/userschema/v3alpha/user_schema_service.js';
import { ClientError, Metadata, createChannel, createClient } from 'nice-grpc';
import { TestApp } from './test-app';

/**
 * ZITADEL's official Node client (@zitadel/node: nice-grpc with ts-proto
 * messages) against the app's native gRPC port, authenticated the way its
 * README shows (createAccessTokenInterceptor).
 */
export function adminClient(t: TestApp, token?: string): AdminServiceClient {
  return token ? createAdminClient(t.grpcUrl, createAccessTokenInterceptor(token)) : createAdminClient(t.grpcUrl);
}

/**
 * v3alpha has no factory in @zitadel/node: nice-grpc with its exported
 * definition, as its README says. Without a token no authorization metadata is sent.
 */
export function usersClient(t: TestApp, token?: string) {
  return createClient(ZITADELUsersDefinition, createChannel(t.grpcUrl), token ? { '*': { metadata: bearer(token) } } : {});
}

export function userSchemasClient(t: TestApp, token?: string) {
  return createClient(ZITADELUserSchemasDefinition, createChannel(t.grpcUrl), token ? { '*': { metadata: bearer(token) } } : {});
}

export function bearer(token: string): Metadata {
  return Metadata({ authorization: `Bearer ${token}` });
}

export interface GrpcFailure {
  code: number;
  /** grpc-message */
  message: string;
  /** The zitadel.v1.ErrorDetail packed in grpc-status-details-bin, decoded by @zitadel/node's codec. */
  detail?: { id: string; message: string };
  /** google.rpc.Status.code and .message from grpc-status-details-bin. */
  status?: { code: number; message: string; typeUrl: string };
}

/**
 * Runs a call that must fail and returns its status, including what the
 * server packed into grpc-status-details-bin.
 */
export async function grpcFailure(call: (options: { onTrailer: (trailer: Metadata) => void }) => Promise<unknown>): Promise<GrpcFailure> {
  let trailer: Metadata | undefined;
  try {
    await call({ onTrailer: (received) => (trailer = received) });
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const failure: GrpcFailure = { code: error.code, message: error.details };
    const bin = trailer?.get('grpc-status-details-bin');
    if (bin instanceof Uint8Array) Object.assign(failure, decodeStatus(bin));
    return failure;
  }
  throw new Error('the call succeeded; a failure was expected');
}

/** google.rpc.Status (1 code, 2 message, 3 repeated Any{1 type_url, 2 value}), read independently of the server's encoder. */
function decodeStatus(bytes: Uint8Array): Pick<GrpcFailure, 'detail' | 'status'> {
  const reader = new BinaryReader(bytes);
  const status = { code: 0, message: '', typeUrl: '' };
  let detail: GrpcFailure['detail'];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) status.code = reader.int32();
    else if (field === 2) status.message = reader.string();
    else if (field === 3) {
      const any = new BinaryReader(reader.bytes());
      let value: Uint8Array | undefined;
      while (any.pos < any.len) {
        const [anyField, anyWireType] = any.tag();
        if (anyField === 1) status.typeUrl = any.string();
        else if (anyField === 2) value = any.bytes();
        else any.skip(anyWireType);
      }
      if (value) {
        const decoded = ErrorDetail.decode(value);
        detail = { id: decoded.id, message: decoded.message };
      }
    } else reader.skip(wireType);
  }
  return { status, detail };
}
