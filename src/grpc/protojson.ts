import { DescMessage, JsonValue, Message, MessageShape, fromJsonString, toJson } from '@bufbuild/protobuf';
import { invalidArgument } from '../common/errors/zitadel-error';
import { zitadelApi } from './zitadel-descriptors';

/**
 * The one conversion between protobuf messages and the protojson-shaped plain
 * objects the application services speak (the same JSON the REST side reads
 * and writes): camelCase, int64 as strings, enums as names, Timestamps as
 * RFC 3339, Struct as plain JSON.
 *
 * Requests emit implicit fields even at their default value: in protobuf an
 * empty `token` and a missing one are the same thing, and protoc-gen-validate
 * judges that value ("" is too short). With defaults omitted, validation would
 * see "missing" where REST clients get "too short"; this way both transports
 * reach the same rule and the same error id.
 */
export function requestToProtoJson(message: Message): JsonValue {
  const { registry } = zitadelApi();
  const schema = registry.getMessage(message.$typeName);
  if (!schema) throw new Error(`unknown request message ${message.$typeName}`);
  try {
    return toJson(schema, message, { alwaysEmitImplicit: true, registry });
  } catch (error) {
    // Valid protobuf can still have no JSON form: a Duration or Timestamp out
    // of range, nanos against the sign of seconds, a NaN in a Struct. The
    // client sent it, so it is InvalidArgument, not a server error.
    throw invalidArgument('GRPC-ProtoJson', `the request has no JSON form: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * A service result as the response message. Going through JSON text makes
 * the gRPC answer exactly the REST body (undefined members vanish, as they do
 * there); an unknown field is our bug and fails loudly instead of being dropped.
 */
export function responseFromProtoJson<Desc extends DescMessage>(schema: Desc, result: unknown): MessageShape<Desc> {
  return fromJsonString(schema, JSON.stringify(result ?? {}), { registry: zitadelApi().registry });
}
